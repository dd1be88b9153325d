// Cross-origin use of the API from browsers: preflights, and answers a page on another origin may read.
import { describe, expect, test } from "bun:test";
import { links } from "../../src/db/schema";
import { testApp } from "../support/app";

const ORIGIN = { origin: "https://dashboard.example" };

describe("CORS on the API", () => {
  test("a preflight for a create with a bearer token is allowed from any origin, and says so for two hours", async () => {
    const k = testApp();
    const response = await k.handle("/api/links/create", {
      method: "OPTIONS",
      headers: { ...ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-methods")).toBe("GET, POST, PATCH, DELETE");
    expect(response.headers.get("access-control-allow-headers")).toBe("Authorization, Content-Type");
    expect(response.headers.get("access-control-max-age")).toBe("7200");
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
    expect(await response.text()).toBe("");
    for (const path of ["/api/links/7", "/api/links/7/stats", "/api/domains/1", "/api/users/2", "/api/me", "/api"]) {
      expect((await k.handle(path, { method: "OPTIONS", headers: ORIGIN })).status).toBe(204);
    }
  });

  test("answers, errors included, may be read by any origin, with the retry and auth headers exposed; no credentials", async () => {
    const k = testApp({ config: { apiRateLimit: 1 } });
    const { token } = await k.user();
    const made = await k.create(token, { long_url: "https://example.com/cors" }, ORIGIN);
    expect(made.status).toBe(200);
    expect(made.headers.get("access-control-allow-origin")).toBe("*");
    expect(made.headers.get("access-control-allow-credentials")).toBeNull();
    expect(k.db.select().from(links).all().map((l) => l.longUrl)).toEqual(["https://example.com/cors"]);

    const limited = await k.create(token, { long_url: "https://example.com/again" }, ORIGIN);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("access-control-allow-origin")).toBe("*");
    expect(limited.headers.get("access-control-expose-headers")).toBe("Retry-After, WWW-Authenticate");
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);

    const unknown = await k.handle("/api/nothing-here", { headers: ORIGIN });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("access-control-allow-origin")).toBe("*");
    expect(await unknown.json()).toEqual({ status: "error", messages: { route: ["There is no such endpoint."] } });
  });

  test("the OpenAPI document may be loaded by any origin (online editors, API clients in the browser)", async () => {
    const k = testApp();
    const response = await k.handle("/swagger/json", { headers: ORIGIN });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect((await response.json()).openapi).toStartWith("3.");
    const preflight = await k.handle("/swagger/json", { method: "OPTIONS", headers: { ...ORIGIN, "access-control-request-method": "GET" } });
    expect([preflight.status, preflight.headers.get("access-control-allow-methods")]).toEqual([204, "GET"]);
    expect((await k.handle("/swagger", { headers: ORIGIN })).headers.get("access-control-allow-origin")).toBeNull();
  });

  test("the admin page, its session endpoints and short links answer no cross-origin request", async () => {
    const k = testApp();
    const { token } = await k.user();
    const made = await k.create(token, { long_url: "https://example.com/" });
    for (const path of ["/admin", "/admin/session", `/${made.body.link.hash}`, "/healthz"]) {
      const response = await k.handle(path, { headers: ORIGIN, redirect: "manual" });
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
    }
    const preflight = await k.handle("/admin/login", { method: "OPTIONS", headers: { ...ORIGIN, "access-control-request-method": "POST" } });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    expect(preflight.status).toBe(404);
  });
});
