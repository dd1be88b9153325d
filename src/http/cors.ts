// Cross-origin access to the API, so that browser clients on other origins (a web dashboard such as
// shlink-web-client, a bookmarklet, a static page with a "shorten" form) can call it with a token, and
// to the OpenAPI document, so that online editors and API clients can load it by its URL.
// Any origin may: the API is authenticated by a token the caller sends (Authorization or ?api_token=),
// which a page cannot take from anyone. Cookies are never allowed cross-origin (no
// Access-Control-Allow-Credentials), so the admin page's session cannot be used from another site, and
// the admin page's own /admin endpoints answer no cross-origin requests at all.
import { Elysia } from "elysia";
import { isApi, pathOf } from "./plugin";

const isCrossOriginPath = (request: Request) => isApi(request) || pathOf(request.url) === "/swagger/json";

const METHODS = "GET, POST, PATCH, DELETE";
// Authorization is never covered by a "*" here (Fetch standard), so the headers are named.
const REQUEST_HEADERS = "Authorization, Content-Type";
// What a client may read besides the safelisted headers: when to retry, and which auth scheme.
const EXPOSED = "Retry-After, WWW-Authenticate";
// Browsers cap this (Chromium at 2 hours); one preflight per endpoint and hour or two is enough.
const MAX_AGE = "7200";

/** The answer to a preflight (or any OPTIONS): which methods (the document's: GET only) and headers may come. */
function preflight(methods: string): Response {
  return new Response(null, {
    status: 204,
    headers: {
      "access-control-allow-origin": "*",
      "access-control-allow-methods": methods,
      "access-control-allow-headers": REQUEST_HEADERS,
      "access-control-max-age": MAX_AGE,
      allow: `${methods}, OPTIONS`,
    },
  });
}

/** CORS on /api and below and /swagger/json: preflights answered, and every answer (errors too) readable from any origin. (A request hook runs for the whole app, before routing.) */
export function apiCors() {
  return new Elysia({ name: "api-cors" }).onRequest(({ request, set }) => {
    if (!isCrossOriginPath(request)) return;
    if (request.method === "OPTIONS") return preflight(isApi(request) ? METHODS : "GET");
    set.headers["access-control-allow-origin"] = "*";
    set.headers["access-control-expose-headers"] = EXPOSED;
  });
}
