// The API docs: /swagger/json is a valid OpenAPI document describing the create API, and /swagger
// is a Swagger UI that loads nothing from outside the server.
import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { Validator } from "@seriousme/openapi-schema-validator";
import { testApp } from "../support/app";

type Json = Record<string, any>;

async function openapiDocument(): Promise<Json> {
  const response = await testApp().handle("/swagger/json");
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("application/json");
  return (await response.json()) as Json;
}

function createOperation(document: Json): Json {
  const operation = document.paths?.["/api/links/create"]?.post;
  expect(operation).toBeDefined();
  return operation as Json;
}

/** A schema's object branches: the schema itself, or each member of its anyOf / oneOf. */
function objectBranches(schema: Json): Json[] {
  const members = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  return members ? members.flatMap(objectBranches) : [schema];
}

const bodyFields = [
  "long_url", "multiple_urls", "alias", "domain_id", "password", "disabled", "title",
  "description", "tags", "expires_at", "pixels", "rules",
];

const linkKeys = [
  "id", "type", "title", "description", "hash", "alias", "long_url", "short_url", "expires_at",
  "disabled", "has_password", "user_id", "domain_id", "tags", "pixels", "rules", "created_at", "updated_at",
];

describe("/swagger/json", () => {
  test("is an OpenAPI 3 document that passes a schema validator", async () => {
    const document = await openapiDocument();
    expect(String(document.openapi)).toMatch(/^3\.[01]\./);
    const result = await new Validator().validate(document);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  test("declares the api_token query parameter and the bearer header as security schemes", async () => {
    const schemes = (await openapiDocument()).components?.securitySchemes as Record<string, Json>;
    const apiKey = Object.values(schemes).filter((s) => s.type === "apiKey" && s.in === "query" && s.name === "api_token");
    const bearer = Object.values(schemes).filter((s) => s.type === "http" && String(s.scheme).toLowerCase() === "bearer");
    expect(apiKey).toHaveLength(1);
    expect(bearer).toHaveLength(1);
  });

  test("the create operation accepts either security scheme", async () => {
    const document = await openapiDocument();
    const schemes = document.components.securitySchemes as Record<string, Json>;
    const security = createOperation(document).security as Record<string, string[]>[];
    const named = security.map((requirement) => Object.keys(requirement));
    // Each requirement names exactly one scheme, so either one alone is enough.
    expect(named.every((names) => names.length === 1)).toBe(true);
    const types = named.map(([name]) => schemes[name!]?.type).sort();
    expect(types).toEqual(["apiKey", "http"]);
  });

  test("the create operation documents a JSON body with every field of the seed", async () => {
    const operation = createOperation(await openapiDocument());
    const schema = operation.requestBody?.content?.["application/json"]?.schema as Json;
    expect(schema).toBeDefined();
    expect(schema.type).toBe("object");
    expect(Object.keys(schema.properties).sort()).toEqual(expect.arrayContaining(bodyFields.sort()));
    // Exactly one of long_url / multiple_urls is needed, so neither is required by the schema.
    expect(schema.required ?? []).toEqual([]);

    const rule = schema.properties.rules.items as Json;
    expect(Object.keys(rule.properties).sort()).toEqual(["key", "type", "value"]);
    const ruleTypes = objectBranches(rule.properties.type).flatMap((s) => s.enum ?? (s.const !== undefined ? [s.const] : []));
    expect(ruleTypes.sort()).toEqual(["device", "geo"]);

    const media = operation.requestBody.content["application/json"] as Json;
    const examples: unknown[] = [...(schema.examples ?? []), ...(media.example ? [media.example] : []), ...Object.values(media.examples ?? {})];
    expect(examples.length).toBeGreaterThan(0);
    expect(JSON.stringify(examples)).toContain("long_url");
  });

  test("the create operation documents the link it answers with, singly and as a list", async () => {
    const operation = createOperation(await openapiDocument());
    const schema = operation.responses?.["200"]?.content?.["application/json"]?.schema as Json;
    expect(schema).toBeDefined();
    const branches = objectBranches(schema);
    const single = branches.find((b) => b.properties?.link);
    const many = branches.find((b) => b.properties?.links);
    expect(single).toBeDefined();
    expect(many).toBeDefined();
    for (const link of [single!.properties.link, many!.properties.links.items] as Json[]) {
      expect(Object.keys(link.properties)).toEqual(expect.arrayContaining(linkKeys));
      expect(link.required).toEqual(expect.arrayContaining(linkKeys));
      expect(Object.keys(link.properties.rules.items.properties).sort()).toEqual(["key", "type", "value"]);
    }
  });

  test("the create operation documents its errors in the seed's envelope", async () => {
    const responses = createOperation(await openapiDocument()).responses as Record<string, Json>;
    for (const status of ["401", "403", "422"]) {
      const schema = responses[status]?.content?.["application/json"]?.schema as Json;
      expect(schema, `response ${status}`).toBeDefined();
      expect(Object.keys(schema.properties).sort()).toEqual(["messages", "status"]);
      expect(schema.properties.status.const ?? schema.properties.status.enum?.[0]).toBe("error");
    }
  });

  test("each operation lists the error statuses it can answer, with an example of their messages", async () => {
    const document = await openapiDocument();
    const statuses = (path: string, method: string) => Object.keys(document.paths[path][method].responses).sort();
    expect(statuses("/api/me", "get")).toEqual(["200", "401", "403", "429", "503"]);
    expect(statuses("/api/domains/{id}", "delete")).toEqual(["200", "400", "401", "403", "404", "409", "413", "422", "429", "503"]);
    expect(statuses("/api/links/", "get")).toEqual(["200", "401", "403", "422", "429", "503"]);
    const unavailable = document.paths["/api/links/create"].post.responses["503"].content["application/json"].schema;
    expect(unavailable.examples[0].messages).toHaveProperty("server");
    const tooMany = document.paths["/api/me"].get.responses["429"].content["application/json"].schema;
    expect(tooMany.examples[0].messages).toHaveProperty("api_token");
  });

  test("the QR operations answer images, documented as such", async () => {
    const document = await openapiDocument();
    for (const path of ["/{slug}/qr", "/api/links/{id}/qr"]) {
      const ok = document.paths[path].get.responses["200"];
      expect(Object.keys(ok.content).sort()).toEqual(["image/png", "image/svg+xml"]);
    }
    expect(Object.keys(document.paths["/api/links/{id}/qr"].get.responses).sort()).toEqual(["200", "401", "403", "404", "422", "429", "503"]);
  });

  test("the create operation has an example of its request or answer", async () => {
    const operation = createOperation(await openapiDocument());
    const text = JSON.stringify(operation);
    expect(text).toMatch(/"examples?":/);
    expect(text).toContain("https://google.com");
  });

  test("documents /healthz", async () => {
    const document = await openapiDocument();
    expect(document.paths["/healthz"]?.get).toBeDefined();
  });

  test("leaves out the redirect routes and the docs' own routes, keeping the QR code", async () => {
    const paths = Object.keys((await openapiDocument()).paths);
    // The QR image is documented; the redirect catch-all /{slug} is not.
    expect(paths.filter((p) => p.includes("slug"))).toEqual(["/{slug}/qr"]);
    expect(paths.filter((p) => p.startsWith("/swagger") || p.startsWith("/admin"))).toEqual([]);
  });
});

describe("/swagger", () => {
  async function page() {
    const response = await testApp().handle("/swagger");
    return { response, html: await response.text() };
  }

  test("is an HTML page sent with a Content-Security-Policy", async () => {
    const { response } = await page();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toStartWith("text/html");
    const csp = response.headers.get("content-security-policy");
    expect(csp).toBeTruthy();
    expect(csp).toContain("default-src 'none'");
  });

  test("its inline script is allowed by a hash in the CSP, not by unsafe-inline", async () => {
    const { response, html } = await page();
    const csp = response.headers.get("content-security-policy")!;
    const scriptSrc = csp.split(";").map((d) => d.trim()).find((d) => d.startsWith("script-src"))!;
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(inline.length).toBeGreaterThan(0);
    for (const script of inline) {
      const hash = createHash("sha256").update(script).digest("base64");
      expect(scriptSrc).toContain(`'sha256-${hash}'`);
    }
  });

  test("does not keep an API token typed into it in the browser's storage (the origin also serves pixel pages)", async () => {
    const { html } = await page();
    expect(html).toContain("persistAuthorization:false");
  });

  test("loads its script and stylesheet from /swagger/assets only, never from another host", async () => {
    const { html } = await page();
    const urls = [...html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']*)["']/gi)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThanOrEqual(2);
    for (const url of urls) expect(url).toStartWith("/swagger/assets/");
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
    expect(urls.some((u) => u.endsWith(".js"))).toBe(true);
    expect(urls.some((u) => u.endsWith(".css"))).toBe(true);
  });

  test("its script and stylesheet are served with JavaScript and CSS content types", async () => {
    const { handle } = testApp();
    const html = await (await handle("/swagger")).text();
    const urls = [...html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']*)["']/gi)].map((m) => m[1]!);
    const script = urls.find((u) => u.endsWith(".js"))!;
    const style = urls.find((u) => u.endsWith(".css"))!;

    const js = await handle(script);
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toMatch(/^(text|application)\/javascript/);
    expect((await js.text()).length).toBeGreaterThan(1000);

    const css = await handle(style);
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toStartWith("text/css");
    expect((await css.text()).length).toBeGreaterThan(1000);
  });
});
