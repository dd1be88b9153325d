import { describe, expect, test } from "bun:test";
import { BROWSER, testApp } from "../support/app";

const form = { "content-type": "application/x-www-form-urlencoded" };

async function locked(options: Parameters<typeof testApp>[0] = {}) {
  const k = testApp(options);
  const u = await k.user();
  const { body } = await k.create(u.token, { long_url: "https://secret.example/", password: "open sesame" });
  return { k, u, slug: body.link.hash as string, id: body.link.id as number };
}

describe("password links, hardened", () => {
  test("a right answer sets a signed, HttpOnly, SameSite cookie scoped to the link", async () => {
    const { k, slug, id } = await locked();
    const r = await k.handle(`/${slug}`, { method: "POST", headers: form, body: "password=open+sesame" });
    expect(r.status).toBe(302);
    const cookie = r.headers.get("set-cookie")!;
    expect(cookie).toStartWith(`kurz_unlock_${id}=`);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).toContain(`Path=/${slug}`);
    expect(cookie).toMatch(/Max-Age=\d+/);
    expect(cookie).not.toContain("Secure");
    expect(cookie).not.toContain("open sesame");
  });

  test("with the cookie, the next visit goes straight through", async () => {
    const { k, slug } = await locked();
    const first = await k.handle(`/${slug}`, { method: "POST", headers: form, body: "password=open+sesame" });
    const cookie = first.headers.get("set-cookie")!.split(";")[0]!;
    const r = await k.handle(`/${slug}`, { headers: { cookie } });
    expect(r.status).toBe(302);
    expect(r.headers.get("location")).toBe("https://secret.example/");
  });

  test("a forged, tampered or expired cookie shows the form", async () => {
    let now = new Date();
    const { k, slug, id } = await locked({ deps: { now: () => now } });
    const first = await k.handle(`/${slug}`, { method: "POST", headers: form, body: "password=open+sesame" });
    const cookie = first.headers.get("set-cookie")!.split(";")[0]!;
    const [name, value] = cookie.split("=") as [string, string];
    const [expires, sig] = value.split(".") as [string, string];
    const forged = [
      `${name}=${Number(expires) + 86400}.${sig}`,
      `${name}=${expires}.${"0".repeat(64)}`,
      `${name}=garbage`,
      `kurz_unlock_${id + 1}=${value}`,
    ];
    for (const c of forged) expect((await k.handle(`/${slug}`, { headers: { cookie: c } })).status).toBe(200);
    now = new Date(now.getTime() + 31 * 60_000);
    expect((await k.handle(`/${slug}`, { headers: { cookie } })).status).toBe(200);
  });

  test("the cookie is Secure when the short URL is served over https", async () => {
    const { k, slug } = await locked({ config: { trustProxy: true } });
    const r = await k.handle(`/${slug}`, { method: "POST", headers: { ...form, "x-forwarded-proto": "https" }, body: "password=open+sesame" });
    expect(r.headers.get("set-cookie")).toContain("; Secure");
  });

  test("wrong guesses are limited per client and link: the 11th in a minute gets a 429 page", async () => {
    const { k, slug } = await locked({ config: { trustProxy: true } });
    const guess = (ip: string, password = "wrong") =>
      k.handle(`/${slug}`, { method: "POST", headers: { ...form, "x-forwarded-for": ip }, body: `password=${password}` });
    for (let i = 0; i < 10; i++) expect((await guess("203.0.113.9")).status).toBe(403);
    const blocked = await guess("203.0.113.9");
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(blocked.headers.get("content-type")).toContain("text/html");
    // Even the right password waits: the limit is on trying, not on failing.
    expect((await guess("203.0.113.9", "open+sesame")).status).toBe(429);
    // Another client is not affected.
    expect((await guess("198.51.100.7", "open+sesame")).status).toBe(302);
  });

  test("guesses sent all at once are limited too: at most 10 are checked, the rest get 429 unchecked", async () => {
    const { k, slug } = await locked({ config: { trustProxy: true } });
    const guesses = Array.from({ length: 30 }, (_, i) => i === 29 ? "open+sesame" : `guess-${i}`);
    const answers = await Promise.all(guesses.map((password) =>
      k.handle(`/${slug}`, { method: "POST", headers: { ...form, "x-forwarded-for": "203.0.113.9" }, body: `password=${password}` })));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 403 || s === 302)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
  });

  test("a client cannot escape the limit by sending its own X-Forwarded-For entries before the proxy's", async () => {
    const { k, slug } = await locked({ config: { trustProxy: true } });
    const guess = (i: number) =>
      k.handle(`/${slug}`, { method: "POST", headers: { ...form, "x-forwarded-for": `8.8.${i}.1, 133.242.0.1` }, body: "password=wrong" });
    for (let i = 0; i < 10; i++) expect((await guess(i)).status).toBe(403);
    expect((await guess(10)).status).toBe(429);
  });
});

describe("HTML pages escape and send a CSP", () => {
  test("404, 410 and password pages all carry CSP, nosniff and no-frame headers", async () => {
    let now = new Date("2030-01-01T00:00:00Z");
    const k = testApp({ deps: { now: () => now } });
    const u = await k.user();
    const expiring = (await k.create(u.token, { long_url: "https://a.example", expires_at: "2030-01-01 00:00:01" })).body.link.hash;
    const protectedSlug = (await k.create(u.token, { long_url: "https://a.example", password: "x" })).body.link.hash;
    now = new Date("2030-01-02T00:00:00Z");
    for (const path of ["/missing", `/${expiring}`, `/${protectedSlug}`]) {
      const r = await k.handle(path);
      expect(r.headers.get("content-security-policy")).toContain("default-src 'none'");
      expect(r.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(r.headers.get("x-content-type-options")).toBe("nosniff");
      expect(r.headers.get("referrer-policy")).toBeString();
    }
  });
});

describe("password links and the referrer of their clicks", () => {
  const referrersOf = async (k: Awaited<ReturnType<typeof locked>>["k"], token: string, id: number) => {
    await k.deps.clicks.flush();
    return (await k.call(token, "GET", `/api/links/${id}/stats`)).body.stats.referrers;
  };

  test("the form carries where the visitor came from, and the unlocked click is credited to it, not to the short URL", async () => {
    const { k, u, slug, id } = await locked();
    const page = await (await k.handle(`/${slug}`, { headers: { referer: "https://news.example/story?id=7" } })).text();
    expect(page).toContain('<input type="hidden" name="referrer" value="https://news.example">');
    const wrong = await (await k.handle(`/${slug}`, { method: "POST", headers: { ...form, referer: `http://localhost:8080/${slug}` }, body: "referrer=https%3A%2F%2Fnews.example&password=nope" })).text();
    expect(wrong).toContain('<input type="hidden" name="referrer" value="https://news.example">');
    const r = await k.handle(`/${slug}`, { method: "POST", headers: { ...form, ...BROWSER, referer: `http://localhost:8080/${slug}` }, body: "referrer=https%3A%2F%2Fnews.example&password=open+sesame" });
    expect(r.status).toBe(302);
    expect(await referrersOf(k, u.token, id)).toEqual([{ key: "news.example", clicks: 1 }]);
  });

  test("a form without a referrer (or with one that is not an http URL) records none, never the short URL's own host", async () => {
    const { k, u, slug, id } = await locked();
    expect(await (await k.handle(`/${slug}`)).text()).not.toContain('name="referrer"');
    for (const extra of ["", "referrer=javascript%3Aalert(1)&"]) {
      const r = await k.handle(`/${slug}`, { method: "POST", headers: { ...form, ...BROWSER, referer: `http://localhost:8080/${slug}` }, body: `${extra}password=open+sesame` });
      expect(r.status).toBe(302);
    }
    expect(await referrersOf(k, u.token, id)).toEqual([{ key: "unknown", clicks: 2 }]);
  });
});
