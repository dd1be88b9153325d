import { describe, expect, test } from "bun:test";
import { testApp } from "../support/app";

describe("API rate limit", () => {
  test("past KURZ_API_RATE_LIMIT requests a minute a user gets 429 with Retry-After, in the seed's shape", async () => {
    const k = testApp({ config: { apiRateLimit: 5 } });
    const u = await k.user();
    for (let i = 0; i < 5; i++) expect((await k.handle("/api/me", { headers: { authorization: `Bearer ${u.token}` } })).status).toBe(200);
    const r = await k.handle("/api/me", { headers: { authorization: `Bearer ${u.token}` } });
    expect(r.status).toBe(429);
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = (await r.json()) as any;
    expect(body.status).toBe("error");
    expect(body.messages.api_token[0]).toContain("Too many requests");
  });

  test("the limit is per user; redirects are never limited", async () => {
    const k = testApp({ config: { apiRateLimit: 2 } });
    const a = await k.user();
    const b = await k.user();
    const { body } = await k.create(a.token, { long_url: "https://e.example", alias: "busy" });
    await k.handle("/api/me", { headers: { authorization: `Bearer ${a.token}` } });
    expect((await k.handle("/api/me", { headers: { authorization: `Bearer ${a.token}` } })).status).toBe(429);
    expect((await k.handle("/api/me", { headers: { authorization: `Bearer ${b.token}` } })).status).toBe(200);
    for (let i = 0; i < 50; i++) expect((await k.handle("/busy")).status).toBe(302);
    void body;
  });

  test("0 turns the limit off", async () => {
    const k = testApp({ config: { apiRateLimit: 0 } });
    const u = await k.user();
    for (let i = 0; i < 100; i++) expect((await k.handle("/api/me", { headers: { authorization: `Bearer ${u.token}` } })).status).toBe(200);
  });
});

describe("access log", () => {
  test("one JSON line per API request with method, path without the query, status and duration", async () => {
    const lines: string[] = [];
    const k = testApp({ deps: { accessLog: (line) => lines.push(line) } });
    const u = await k.user();
    await k.handle(`/api/me?api_token=${u.token}`);
    await k.handle("/api/me?api_token=wrong");
    await k.create(u.token, { long_url: "bad" });
    await k.handle("/some-slug");
    await Bun.sleep(20); // the log line is written after the response has gone out
    const entries = lines.map((l) => JSON.parse(l));
    expect(entries.map((e) => [e.method, e.path, e.status])).toEqual([
      ["GET", "/api/me", 200], ["GET", "/api/me", 401], ["POST", "/api/links/create", 422],
    ]);
    for (const e of entries) {
      expect(e.ms).toBeNumber();
      expect(e.time).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    }
    expect(lines.join("\n")).not.toContain(u.token);
  });
});
