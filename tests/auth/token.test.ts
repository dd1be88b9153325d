import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { hashToken } from "../../src/auth/tokens";
import { links, users } from "../../src/db/schema";
import { issueToken } from "../../src/users/service";
import { testApp } from "../support/app";

const body = { long_url: "https://google.com" };

describe("API authentication", () => {
  test("a request without a token gets 401 in the seed's shape", async () => {
    const k = testApp();
    const r = await k.create(null, body);
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ status: "error", messages: { api_token: ["An API token is required."] } });
    expect(r.headers.get("www-authenticate")).toBe("Bearer");
  });

  test("a wrong token gets 401", async () => {
    const k = testApp();
    await k.user();
    const r = await k.create("not-a-real-token", body);
    expect(r.status).toBe(401);
    expect(r.body.messages.api_token).toEqual(["This API token is not valid."]);
  });

  test("a wrong ?api_token= gets 401", async () => {
    const k = testApp();
    const r = await k.handle("/api/links/create?api_token=nope", { method: "POST", body: JSON.stringify(body) });
    expect(r.status).toBe(401);
  });

  test("a malformed Authorization header gets 401", async () => {
    const k = testApp();
    const u = await k.user();
    for (const header of [`Basic ${u.token}`, "Bearer", `Bearer ${u.token} extra`, `Token ${u.token}`]) {
      const r = await k.create(null, body, { authorization: header });
      expect(r.status).toBe(401);
    }
  });

  test("an absurdly long token gets 401, not an error", async () => {
    const k = testApp();
    const r = await k.create("x".repeat(100_000), body);
    expect(r.status).toBe(401);
  });

  test("the bearer scheme is case-insensitive", async () => {
    const k = testApp();
    const u = await k.user();
    expect((await k.create(null, body, { authorization: `bearer ${u.token}` })).status).toBe(200);
  });

  test("a user without api.access gets 403", async () => {
    const k = testApp();
    const u = await k.user({ api: false });
    const r = await k.create(u.token, body);
    expect(r.status).toBe(403);
    expect(r.body.messages.api_token[0]).toContain("api.access");
    expect(k.db.select().from(links).all()).toHaveLength(0);
  });

  test("an admin has api.access without it being granted", async () => {
    const k = testApp();
    const admin = await k.user({ admin: true, api: false });
    expect((await k.create(admin.token, body)).status).toBe(200);
  });

  test("a disabled user gets 403", async () => {
    const k = testApp();
    const u = await k.user({ disabled: true });
    expect((await k.create(u.token, body)).status).toBe(403);
  });

  test("auth is checked before the body: no token and a bad body is 401, not 422", async () => {
    const k = testApp();
    expect((await k.create(null, { long_url: 5 })).status).toBe(401);
    expect((await k.create(null, "{broken")).status).toBe(401);
  });

  test("tokens are stored only as their sha256", async () => {
    const k = testApp();
    const u = await k.user();
    const row = k.db.select().from(users).where(eq(users.id, u.id)).get()!;
    expect(row.apiTokenHash).toBe(hashToken(u.token));
    expect(JSON.stringify(row)).not.toContain(u.token);
  });

  test("issuing a new token makes the old one stop working", async () => {
    const k = testApp();
    const u = await k.user();
    const { apiToken } = await issueToken(k.deps, u.email);
    expect(apiToken).not.toBe(u.token);
    expect((await k.create(u.token, body)).status).toBe(401);
    expect((await k.create(apiToken, body)).status).toBe(200);
  });
});
