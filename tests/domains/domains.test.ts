import { describe, expect, test } from "bun:test";
import { normalizeHost } from "../../src/domains/service";
import { testApp } from "../support/app";

describe("host normalisation", () => {
  test("lower-cases, converts IDN to punycode and drops a trailing dot", () => {
    expect(normalizeHost("Go.Example.COM")).toBe("go.example.com");
    expect(normalizeHost("bücher.example")).toBe("xn--bcher-kva.example");
    expect(normalizeHost("go.example.com.")).toBe("go.example.com");
  });

  test("refuses schemes, ports, paths, IPs and single labels", () => {
    for (const bad of ["https://go.example.com", "go.example.com:8080", "go.example.com/x", "127.0.0.1", "localhost", "", "a..b", "-a.example", "a b.example", "user@go.example.com"]) {
      expect(normalizeHost(bad)).toBeNull();
    }
  });
});

describe("/api/domains", () => {
  test("POST adds a domain and answers it in the envelope", async () => {
    const k = testApp();
    const u = await k.user();
    const r = await k.call(u.token, "POST", "/api/domains", { host: "Go.Example.com", not_found_url: "https://example.com/404" });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe("success");
    expect(r.body.domain).toMatchObject({ host: "go.example.com", not_found_url: "https://example.com/404" });
    expect(r.body.domain.id).toBeNumber();
    expect(r.body.domain.created_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });

  test("a host can be registered only once, by anyone", async () => {
    const k = testApp();
    const a = await k.user();
    const b = await k.user();
    expect((await k.call(a.token, "POST", "/api/domains", { host: "go.example.com" })).status).toBe(200);
    const r = await k.call(b.token, "POST", "/api/domains", { host: "GO.example.com." });
    expect(r.status).toBe(422);
    expect(r.body.messages.host).toEqual(["This host is already registered."]);
  });

  test("bad hosts and not-found URLs are refused with 422", async () => {
    const k = testApp();
    const u = await k.user();
    expect((await k.call(u.token, "POST", "/api/domains", { host: "http://x.example/path" })).body.messages.host).toBeArray();
    expect((await k.call(u.token, "POST", "/api/domains", { host: "x.example", not_found_url: "javascript:alert(1)" })).body.messages.not_found_url).toBeArray();
    expect((await k.call(u.token, "POST", "/api/domains", { host: "localhost.localdomain", extra: 1 })).status).toBe(200);
    expect((await k.call(u.token, "POST", "/api/domains", {})).status).toBe(422);
  });

  test("kurz's own host cannot be registered as a custom domain", async () => {
    const k = testApp({ config: { baseUrl: "https://s.example.com" } });
    const u = await k.user();
    expect((await k.call(u.token, "POST", "/api/domains", { host: "s.example.com" })).status).toBe(422);
  });

  test("GET lists only the user's own domains; an admin sees all", async () => {
    const k = testApp();
    const a = await k.user();
    const b = await k.user();
    const admin = await k.user({ admin: true });
    await k.call(a.token, "POST", "/api/domains", { host: "a.example.com" });
    await k.call(b.token, "POST", "/api/domains", { host: "b.example.com" });
    expect((await k.call(a.token, "GET", "/api/domains")).body.domains.map((d: any) => d.host)).toEqual(["a.example.com"]);
    expect((await k.call(admin.token, "GET", "/api/domains")).body.domains.map((d: any) => d.host).sort()).toEqual(["a.example.com", "b.example.com"]);
  });

  test("DELETE removes an unused domain; someone else's is a 404", async () => {
    const k = testApp();
    const a = await k.user();
    const b = await k.user();
    const { body } = await k.call(a.token, "POST", "/api/domains", { host: "a.example.com" });
    expect((await k.call(b.token, "DELETE", `/api/domains/${body.domain.id}`)).status).toBe(404);
    expect((await k.call(a.token, "DELETE", `/api/domains/${body.domain.id}`)).status).toBe(200);
    expect((await k.call(a.token, "GET", "/api/domains")).body.domains).toEqual([]);
    expect((await k.call(a.token, "DELETE", `/api/domains/${body.domain.id}`)).status).toBe(404);
    expect((await k.call(a.token, "DELETE", "/api/domains/abc")).status).toBe(422);
  });

  test("a domain that links still use cannot be deleted", async () => {
    const k = testApp();
    const u = await k.user();
    const { body } = await k.call(u.token, "POST", "/api/domains", { host: "a.example.com" });
    await k.create(u.token, { long_url: "https://x.example", domain_id: body.domain.id });
    const r = await k.call(u.token, "DELETE", `/api/domains/${body.domain.id}`);
    expect(r.status).toBe(409);
    expect(r.body.messages.id[0]).toContain("1 link");
  });

  test("a domain added through the API routes at once, even after its host was visited", async () => {
    const k = testApp();
    const u = await k.user();
    expect((await k.handle("/promo", { headers: { host: "new.example.com" } })).status).toBe(404);
    const { body } = await k.call(u.token, "POST", "/api/domains", { host: "new.example.com", not_found_url: "https://example.com/nf" });
    await k.create(u.token, { long_url: "https://promo.example", alias: "promo", domain_id: body.domain.id });
    expect((await k.handle("/promo", { headers: { host: "new.example.com" } })).headers.get("location")).toBe("https://promo.example/");
    expect((await k.handle("/other", { headers: { host: "new.example.com" } })).headers.get("location")).toBe("https://example.com/nf");
  });

  test("any path that names no link on a domain with a not-found URL goes there: its root, /a/b, /x.y; the API and pages stay", async () => {
    const k = testApp();
    const u = await k.user();
    await k.call(u.token, "POST", "/api/domains", { host: "nf.example", not_found_url: "https://notfound.example/x" });
    const on = (path: string, host = "nf.example") => k.handle(path, { headers: { host } });
    for (const path of ["/", "/nope", "/x.y", "/a/b", "/favicon.ico"]) {
      const r = await on(path);
      expect(r.status, path).toBe(302);
      expect(r.headers.get("location")).toBe("https://notfound.example/x");
      expect((await on(path, "localhost")).status, `${path} on the default host`).toBe(404);
    }
    const api = await on("/api/nope");
    expect(api.status).toBe(404);
    expect(api.headers.get("content-type")).toContain("application/json");
    for (const path of ["/admin", "/swagger", "/healthz", "/robots.txt"]) expect((await on(path)).status, path).toBe(200);
  });

  test("PATCH changes or clears a domain's not-found URL, at once for visitors; someone else's domain is a 404", async () => {
    const k = testApp();
    const u = await k.user();
    const other = await k.user();
    const { body } = await k.call(u.token, "POST", "/api/domains", { host: "edit.example", not_found_url: "https://old.example/" });
    const miss = () => k.handle("/nothing-here", { headers: { host: "edit.example" } });
    expect((await miss()).headers.get("location")).toBe("https://old.example/");
    const changed = await k.call(u.token, "PATCH", `/api/domains/${body.domain.id}`, { not_found_url: "https://new.example/" });
    expect(changed.status).toBe(200);
    expect(changed.body.domain).toMatchObject({ host: "edit.example", not_found_url: "https://new.example/" });
    expect((await miss()).headers.get("location")).toBe("https://new.example/");
    expect((await k.call(u.token, "PATCH", `/api/domains/${body.domain.id}`, { not_found_url: "javascript:alert(1)" })).body.messages.not_found_url).toBeArray();
    expect((await k.call(other.token, "PATCH", `/api/domains/${body.domain.id}`, { not_found_url: null })).status).toBe(404);
    expect((await k.call(u.token, "PATCH", `/api/domains/${body.domain.id}`, { not_found_url: null })).body.domain.not_found_url).toBeNull();
    expect((await miss()).status).toBe(404);
  });

  test("a not-found URL with characters a header cannot carry as they are is sent percent-encoded, not as a 500", async () => {
    const k = testApp();
    const u = await k.user();
    await k.call(u.token, "POST", "/api/domains", { host: "euro.example", not_found_url: "https://ex.test/€uro a" });
    const r = await k.handle("/missing", { headers: { host: "euro.example" } });
    expect(r.status).toBe(302);
    expect(r.headers.get("location")).toBe("https://ex.test/%E2%82%ACuro%20a");
  });

  test("every domains endpoint needs a token", async () => {
    const k = testApp();
    expect((await k.handle("/api/domains")).status).toBe(401);
    expect((await k.handle("/api/domains", { method: "POST", body: "{}" })).status).toBe(401);
    expect((await k.handle("/api/domains/1", { method: "DELETE" })).status).toBe(401);
  });
});
