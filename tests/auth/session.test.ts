import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { links, sessions } from "../../src/db/schema";
import { hashToken } from "../../src/auth/tokens";
import { PASSWORD, testApp, type TestApp } from "../support/app";

async function login(k: TestApp, email: string, password = PASSWORD, headers: Record<string, string> = {}) {
  const r = await k.handle("/admin/login", {
    method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ email, password }),
  });
  const body = (await r.json()) as any;
  const cookie = r.headers.get("set-cookie");
  return { status: r.status, body, setCookie: cookie, cookie: cookie?.split(";")[0] ?? "", csrf: body.csrf_token as string };
}

describe("admin sessions", () => {
  test("a right login sets an HttpOnly, SameSite=Lax session cookie, stored only hashed", async () => {
    const k = testApp();
    const u = await k.user({ api: false });
    const s = await login(k, u.email.toUpperCase());
    expect(s.status).toBe(200);
    expect(s.body.user).toMatchObject({ id: u.id, email: u.email });
    expect(s.csrf).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(s.setCookie).toContain("HttpOnly");
    expect(s.setCookie).toContain("SameSite=Lax");
    expect(s.setCookie).toContain("Path=/");
    expect(s.setCookie).toMatch(/Max-Age=\d+/);
    expect(s.setCookie).not.toContain("Secure");
    const id = s.cookie.split("=")[1]!;
    const rows = k.db.select().from(sessions).all();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.idHash).toBe(hashToken(id));
    expect(JSON.stringify(rows)).not.toContain(id);
  });

  test("the cookie is Secure behind https", async () => {
    const k = testApp({ config: { trustProxy: true } });
    const u = await k.user();
    expect((await login(k, u.email, PASSWORD, { "x-forwarded-proto": "https" })).setCookie).toContain("; Secure");
  });

  test("the cookie is Secure on an https base URL's host, even behind a proxy that is not trusted; not by IP or on plain http", async () => {
    const tls = testApp({ config: { baseUrl: "https://s.example.com" } });
    const email = (await tls.user()).email;
    expect((await login(tls, email, PASSWORD, { host: "s.example.com" })).setCookie).toContain("; Secure");
    expect((await login(tls, email, PASSWORD, { host: "203.0.113.5:8080" })).setCookie).not.toContain("Secure");
    const plain = testApp();
    expect((await login(plain, (await plain.user()).email, PASSWORD, { "x-forwarded-proto": "https" })).setCookie).not.toContain("Secure");
  });

  test("a wrong password or unknown email is the same 422", async () => {
    const k = testApp();
    const u = await k.user();
    const wrong = await login(k, u.email, "nope");
    const unknown = await login(k, "nobody@example.com", "nope");
    expect(wrong.status).toBe(422);
    expect(unknown.status).toBe(422);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.setCookie).toBeNull();
  });

  test("logins are rate-limited per client and email", async () => {
    const k = testApp();
    const u = await k.user();
    for (let i = 0; i < 10; i++) expect((await login(k, u.email, "wrong")).status).toBe(422);
    const blocked = await login(k, u.email, PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.body.status).toBe("error");
  });

  test("the session cookie authenticates API reads, even without api.access", async () => {
    const k = testApp();
    const u = await k.user({ api: false });
    const s = await login(k, u.email);
    const r = await k.handle("/api/me", { headers: { cookie: s.cookie } });
    expect(r.status).toBe(200);
    expect(((await r.json()) as any).user.email).toBe(u.email);
    expect((await k.handle("/admin/session", { headers: { cookie: s.cookie } })).status).toBe(200);
  });

  test("a state-changing request with the cookie needs the CSRF token", async () => {
    const k = testApp();
    const u = await k.user();
    const s = await login(k, u.email);
    const create = (headers: Record<string, string>) => k.handle("/api/links/create", {
      method: "POST", headers: { cookie: s.cookie, "content-type": "application/json", ...headers }, body: JSON.stringify({ long_url: "https://e.example" }),
    });
    expect((await create({})).status).toBe(403);
    expect((await create({ "x-csrf-token": "wrong" })).status).toBe(403);
    expect(k.db.select().from(links).all()).toHaveLength(0);
    expect((await create({ "x-csrf-token": s.csrf })).status).toBe(200);
  });

  test("a cross-site form post carrying the cookie is refused", async () => {
    const k = testApp();
    const u = await k.user();
    const s = await login(k, u.email);
    const r = await k.handle("/api/links/create", {
      method: "POST",
      headers: { cookie: s.cookie, "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" },
      body: "long_url=https%3A%2F%2Fevil.example",
    });
    expect(r.status).toBe(403);
    expect(k.db.select().from(links).all()).toHaveLength(0);
  });

  test("logout ends the session", async () => {
    const k = testApp();
    const u = await k.user();
    const s = await login(k, u.email);
    expect((await k.handle("/admin/logout", { method: "POST", headers: { cookie: s.cookie } })).status).toBe(403);
    const out = await k.handle("/admin/logout", { method: "POST", headers: { cookie: s.cookie, "x-csrf-token": s.csrf } });
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toContain("Max-Age=0");
    expect((await k.handle("/api/me", { headers: { cookie: s.cookie } })).status).toBe(401);
    expect((await k.handle("/admin/session", { headers: { cookie: s.cookie } })).status).toBe(401);
  });

  test("an expired session no longer works", async () => {
    let now = new Date();
    const k = testApp({ deps: { now: () => now } });
    const u = await k.user();
    const s = await login(k, u.email);
    now = new Date(now.getTime() + 8 * 24 * 3600 * 1000);
    expect((await k.handle("/api/me", { headers: { cookie: s.cookie } })).status).toBe(401);
  });

  test("disabling a user ends their sessions", async () => {
    const k = testApp();
    const admin = await k.user({ admin: true });
    const u = await k.user();
    const s = await login(k, u.email);
    await k.handle(`/api/users/${u.id}`, { method: "PATCH", headers: { authorization: `Bearer ${admin.token}` }, body: JSON.stringify({ disabled: true }) });
    expect(k.db.select().from(sessions).where(eq(sessions.userId, u.id)).all()).toHaveLength(0);
    expect((await k.handle("/api/me", { headers: { cookie: s.cookie } })).status).toBe(401);
  });

  test("one client trying many emails is limited too: 30 logins a minute, whatever the emails", async () => {
    const k = testApp({ config: { trustProxy: true } });
    const from = (ip: string, i: number) => login(k, `nobody-${i}@example.com`, "wrong", { "x-forwarded-for": ip });
    for (let i = 0; i < 30; i++) expect((await from("203.0.113.5", i)).status).toBe(422);
    expect((await from("203.0.113.5", 30)).status).toBe(429);
    expect((await from("198.51.100.5", 31)).status).toBe(422);
  });

  test("a password change ends the user's other sessions; the one that changed it stays, and so does the API token", async () => {
    const k = testApp();
    const u = await k.user();
    const here = await login(k, u.email);
    const elsewhere = await login(k, u.email);
    const me = (s: { cookie: string }) => k.handle("/api/me", { headers: { cookie: s.cookie } });
    const change = await k.handle("/api/me/password", {
      method: "POST", headers: { cookie: here.cookie, "x-csrf-token": here.csrf, "content-type": "application/json" },
      body: JSON.stringify({ current_password: PASSWORD, new_password: "a brand new password" }),
    });
    expect(change.status).toBe(200);
    expect((await me(here)).status).toBe(200);
    expect((await me(elsewhere)).status).toBe(401);
    expect((await k.call(u.token, "GET", "/api/me")).status).toBe(200);
    // Changed with the API token, every session ends.
    const again = await login(k, u.email, "a brand new password");
    expect((await k.call(u.token, "POST", "/api/me/password", { current_password: "a brand new password", new_password: "yet another password" })).status).toBe(200);
    expect((await me(again)).status).toBe(401);
  });

  test("the admin page is served with a strict CSP and its assets from the binary", async () => {
    const k = testApp();
    const r = await k.handle("/admin");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("text/html");
    expect(r.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(r.headers.get("content-security-policy")).not.toContain("unsafe");
    expect((await k.handle("/admin/assets/app.js")).headers.get("content-type")).toContain("javascript");
    expect((await k.handle("/admin/assets/app.css")).headers.get("content-type")).toContain("text/css");
  });
});
