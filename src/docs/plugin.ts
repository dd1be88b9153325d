// Interactive API docs: /swagger/json (OpenAPI) and /swagger, a Swagger UI served from the binary (no CDN).
import { openapi } from "@elysiajs/openapi";
import { Elysia } from "elysia";
import bundle from "swagger-ui-dist/swagger-ui-bundle.js" with { type: "file" };
import css from "swagger-ui-dist/swagger-ui.css" with { type: "file" };
import { cspHash, html, htmlResponse, SafeHtml } from "../http/html";

const init = `window.onload=function(){window.ui=SwaggerUIBundle({url:"/swagger/json",dom_id:"#swagger-ui",deepLinking:true,persistAuthorization:false})}`;
const csp = `default-src 'none'; script-src 'self' ${cspHash(init)}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; base-uri 'none'; frame-ancestors 'none'`;

const asset = (path: string, type: string) => () =>
  new Response(Bun.file(path), { headers: { "content-type": type, "cache-control": "public, max-age=86400" } });

export function docs(version: string) {
  return new Elysia({ name: "docs" })
    .use(openapi({
      path: "/swagger",
      specPath: "/swagger/json",
      provider: null,
      documentation: {
        info: {
          title: "kurz API",
          version,
          description: "Create and manage short links. Authenticate with your API token, either as the `api_token` query parameter or as `Authorization: Bearer <token>`. Every answer but a QR image is JSON: `{\"status\":\"success\", …}` or `{\"status\":\"error\",\"messages\":{field:[…]}}`. Bodies are JSON of at most 1 MB; each user may make 6000 requests a minute (KURZ_API_RATE_LIMIT). Pages on any origin may call the API from a browser with a token (CORS); cookies are never sent cross-origin.",
        },
        tags: [
          { name: "Links", description: "Create short links" },
          { name: "Stats", description: "Clicks on your links" },
          { name: "Domains", description: "Custom domains your links answer on" },
          { name: "Pixels", description: "Retargeting pixels fired before the redirect" },
          { name: "Account", description: "Your own user and API token" },
          { name: "Users", description: "Users and their permissions (admins)" },
          { name: "System", description: "Health of the service" },
        ],
        components: {
          securitySchemes: {
            apiToken: { type: "apiKey", in: "query", name: "api_token", description: "The API token from your account page" },
            bearer: { type: "http", scheme: "bearer", description: "The same API token, as a bearer token" },
          },
        },
      },
    }))
    .get("/swagger", () => htmlResponse(html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>kurz API</title><link rel="stylesheet" href="/swagger/assets/swagger-ui.css"></head><body><div id="swagger-ui"></div><script src="/swagger/assets/swagger-ui-bundle.js"></script><script>${new SafeHtml(init)}</script></body></html>`, { csp }), { detail: { hide: true } })
    .get("/swagger/assets/swagger-ui-bundle.js", asset(bundle, "text/javascript; charset=utf-8"), { detail: { hide: true } })
    .get("/swagger/assets/swagger-ui.css", asset(css, "text/css; charset=utf-8"), { detail: { hide: true } });
}
