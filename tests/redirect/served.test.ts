// Redirects over a real socket, where a cached plain link is answered before the app (serveApp):
// the answers must be the app's, first visit or repeat, and every change must show at once.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { serveApp } from "../../src/app";
import { testApp, type TestApp } from "../support/app";

const IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";

let k: TestApp;
let origin: string;
let token: string;
let now = new Date("2029-06-01T00:00:00Z");

beforeAll(async () => {
  k = testApp({ deps: { now: () => now } });
  token = (await k.user()).token;
  serveApp(k.app, k.deps, { port: 0, hostname: "127.0.0.1" });
  origin = `http://127.0.0.1:${k.app.server!.port}`;
});

afterAll(async () => {
  await k.app.stop(true);
});

const visit = (path: string, init: RequestInit = {}) => fetch(`${origin}${path}`, { redirect: "manual", ...init });
const create = async (body: object) => (await k.create(token, body)).body.link;

/** The same request twice: the first fills the cache, the second is the fast path's. */
async function twice(path: string, init: RequestInit = {}) {
  const first = await visit(path, init);
  const second = await visit(path, init);
  const shape = async (r: Response) => ({ status: r.status, location: r.headers.get("location"), cache: r.headers.get("cache-control"), body: await r.text() });
  return [await shape(first), await shape(second)] as const;
}

describe("GET /:slug over a socket", () => {
  test("a repeat visit answers exactly as the first, with the visitor's query string", async () => {
    const link = await create({ long_url: "https://example.com/a?x=1" });
    const [first, second] = await twice(`/${link.hash}?utm=mail`);
    expect(first).toEqual({ status: 302, location: "https://example.com/a?x=1&utm=mail", cache: "private, no-store", body: "" });
    expect(second).toEqual(first);
  });

  test("a link the cache does not hold yet is read at once; a database error there falls back to the app's path", async () => {
    const fresh = await create({ long_url: "https://example.com/fresh" });
    await visit("/no-such-link-here"); // the Host header is known from here on
    expect((await visit(`/${fresh.hash}`)).headers.get("location")).toBe("https://example.com/fresh");

    const link = await create({ long_url: "https://example.com/first" });
    const read = k.deps.links.forRedirectNow;
    let calls = 0;
    k.deps.links.forRedirectNow = () => {
      calls++;
      throw new Error("database is locked");
    };
    try {
      const first = await visit(`/${link.hash}`);
      expect(first.status).toBe(302); // the app's path read it instead
      expect(first.headers.get("location")).toBe("https://example.com/first");
      expect((await visit(`/${link.hash}`)).headers.get("location")).toBe("https://example.com/first");
      expect(calls).toBe(2); // both visits tried the fast read; each time the app's path answered
    } finally {
      k.deps.links.forRedirectNow = read;
    }
  });

  test("hosts count once a custom domain exists, and no longer once it is gone", async () => {
    const link = await create({ long_url: "https://example.com/default" });
    const onHost = (host: string) => visit(`/${link.hash}`, { headers: { host } });
    for (let i = 0; i < 2; i++) expect((await onHost("go.example.net")).status).toBe(302); // any host is the default domain
    const domain = (await k.call(token, "POST", "/api/domains", { host: "go.example.net", not_found_url: "https://example.net/missing" })).body.domain;
    for (let i = 0; i < 2; i++) expect((await onHost("go.example.net")).headers.get("location")).toBe("https://example.net/missing");
    expect((await onHost("127.0.0.1")).headers.get("location")).toBe("https://example.com/default");
    const onDomain = await create({ long_url: "https://example.net/own", domain_id: domain.id, alias: link.hash });
    expect(onDomain.short_url).toContain("go.example.net");
    for (let i = 0; i < 2; i++) expect((await onHost("go.example.net")).headers.get("location")).toBe("https://example.net/own");
    await k.call(token, "DELETE", `/api/links/${onDomain.id}`);
    await k.call(token, "DELETE", `/api/domains/${domain.id}`);
    for (let i = 0; i < 2; i++) expect((await onHost("go.example.net")).headers.get("location")).toBe("https://example.com/default");
  });

  test("repeat visits are counted as clicks like the first", async () => {
    const link = await create({ long_url: "https://example.com/count" });
    for (let i = 0; i < 5; i++) await visit(`/${link.hash}`, { headers: { "user-agent": IPHONE } });
    await k.deps.clicks.flush();
    const stats = (await k.call(token, "GET", `/api/links/${link.id}/stats`)).body as any;
    expect(stats.stats.total).toBe(5);
    expect(stats.stats.devices).toEqual([{ key: "phone", clicks: 5 }]);
  });

  test("device rules are applied on repeat visits too", async () => {
    const link = await create({ long_url: "https://desktop.example/", rules: [{ type: "device", key: "phone", value: "https://phone.example/" }] });
    await visit(`/${link.hash}`);
    expect((await visit(`/${link.hash}`, { headers: { "user-agent": IPHONE } })).headers.get("location")).toBe("https://phone.example/");
    expect((await visit(`/${link.hash}`)).headers.get("location")).toBe("https://desktop.example/");
  });

  test("a cached link that is changed, disabled, expires or is deleted answers so at once", async () => {
    const link = await create({ long_url: "https://before.example/", expires_at: "2029-06-02 00:00:00" });
    await twice(`/${link.hash}`);
    await k.call(token, "PATCH", `/api/links/${link.id}`, { long_url: "https://after.example/" });
    expect((await visit(`/${link.hash}`)).headers.get("location")).toBe("https://after.example/");
    now = new Date("2029-06-03T00:00:00Z");
    expect((await visit(`/${link.hash}`)).status).toBe(410);
    now = new Date("2029-06-01T00:00:00Z");
    expect((await visit(`/${link.hash}`)).status).toBe(302);
    await k.call(token, "DELETE", `/api/links/${link.id}`);
    expect((await visit(`/${link.hash}`)).status).toBe(404);
  });

  test("a pixel link's page is the same on repeat visits, carries each visitor's query string, and changes with the pixels", async () => {
    const pixel = (await k.call(token, "POST", "/api/pixels", { name: "fb", type: "facebook", pixel_id: "123456789012345" })).body.pixel;
    const link = await create({ long_url: "https://shop.example/item", pixels: [pixel.id] });
    const [first, second] = await twice(`/${link.hash}`, { headers: { "user-agent": IPHONE } });
    expect(first.status).toBe(200);
    expect(first.body).toContain("123456789012345");
    expect(second).toEqual(first);
    const withQuery = await (await visit(`/${link.hash}?ref=mail`, { headers: { "user-agent": IPHONE } })).text();
    expect(withQuery).toContain("https://shop.example/item?ref=mail");
    const csp = (await visit(`/${link.hash}?ref=mail`, { headers: { "user-agent": IPHONE } })).headers.get("content-security-policy");
    expect(csp).toContain("script-src 'sha256-");
    const bot = await visit(`/${link.hash}`); // Bun's own agent counts as a bot: a plain redirect
    expect(bot.status).toBe(302);
    const other = (await k.call(token, "POST", "/api/pixels", { name: "ga", type: "google_analytics", pixel_id: "G-ABCDEF1234" })).body.pixel;
    await k.call(token, "PATCH", `/api/links/${link.id}`, { pixels: [other.id] });
    const changed = await (await visit(`/${link.hash}`, { headers: { "user-agent": IPHONE } })).text();
    expect(changed).toContain("G-ABCDEF1234");
    expect(changed).not.toContain("123456789012345");
  });

  test("a password link's form is answered before the app to visitors without cookies; a cookie is the app's to check", async () => {
    const locked = await create({ long_url: "https://secret.example/", password: "pw" });
    const appRead = k.deps.links.forRedirect;
    let appReads = 0;
    k.deps.links.forRedirect = (...args) => {
      appReads++;
      return appRead(...args);
    };
    const served = k.deps.clicks.served;
    let noted = 0;
    k.deps.clicks.served = () => {
      noted++;
      served();
    };
    try {
      const [form, again] = await twice(`/${locked.hash}?utm=a&b=c`);
      expect(form.status).toBe(200);
      expect(form.body).toContain(`<form method="post" action="/${locked.hash}?utm=a&amp;b=c">`);
      expect(again).toEqual(form);
      expect(appReads).toBe(0);
      expect(noted).toBe(2); // not clicks, but load: folding waits while such requests come fast
      const referred = await visit(`/${locked.hash}`, { headers: { referer: "https://news.example/story?id=7" } });
      expect(await referred.text()).toContain('<input type="hidden" name="referrer" value="https://news.example">');
      expect(appReads).toBe(0);

      const posted = await visit(`/${locked.hash}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "password=pw" });
      expect(posted.status).toBe(302);
      const cookie = posted.headers.get("set-cookie")!.split(";")[0]!;
      const unlocked = await visit(`/${locked.hash}`, { headers: { cookie } });
      expect(unlocked.status).toBe(302);
      expect(unlocked.headers.get("location")).toBe("https://secret.example/");
      const otherCookie = await visit(`/${locked.hash}?utm=a&b=c`, { headers: { cookie: "theme=dark" } });
      expect(otherCookie.status).toBe(200);
      expect(await otherCookie.text()).toBe(form.body);
    } finally {
      k.deps.links.forRedirect = appRead;
      k.deps.clicks.served = served;
    }
  });

  test("HEAD, unknown slugs and the app's own paths still go to the app", async () => {
    const plain = await create({ long_url: "https://plain.example/" });
    await visit(`/${plain.hash}`);
    const head = await visit(`/${plain.hash}`, { method: "HEAD" });
    expect(head.status).toBe(302);
    expect((await visit("/nope-nothing-here")).status).toBe(404);
    const api = await visit("/api");
    expect(api.status).toBe(404);
    expect(((await api.json()) as any).status).toBe("error");
    expect((await visit("/healthz")).status).toBe(200);
  });

  test("a link under a reserved name (made before the name was reserved) does not hide the app's page of that name", async () => {
    const old = await create({ long_url: "https://old.example/" });
    k.db.$client.query("update links set slug = 'healthz' where id = ?").run(old.id);
    const read = k.deps.links.forRedirectNow;
    let reads = 0;
    k.deps.links.forRedirectNow = (...args) => {
      reads++;
      return read(...args);
    };
    try {
      for (let i = 0; i < 2; i++) {
        const health = await visit("/healthz");
        expect(health.status).toBe(200);
        expect(await health.json()).toEqual({ status: "ok" });
      }
      expect(reads).toBe(0); // the fast path does not even look
    } finally {
      k.deps.links.forRedirectNow = read;
    }
  });
});

describe("an intranet host of two letters (http://go/…)", () => {
  test("the API, the admin page, health and unknown slugs are routed as on any host", async () => {
    const go = { headers: { host: "go" } };
    expect((await visit("/healthz", go)).status).toBe(200);
    const api = await visit("/api/links", go);
    expect(api.status).toBe(401);
    expect(api.headers.get("content-type")).toContain("application/json");
    expect((await visit("/admin", go)).status).toBe(200);
    expect((await visit(`/api/links?api_token=${token}`, go)).status).toBe(200);
    expect((await visit("/no-such-link", go)).status).toBe(404);
  });
});

describe("the install's redirect status over a socket", () => {
  test("a cached link answered before the app uses --redirect-status too", async () => {
    const permanent = testApp({ config: { redirectStatus: 301 } });
    const { token: own } = await permanent.user();
    const link = (await permanent.create(own, { long_url: "https://example.com/moved" })).body.link;
    serveApp(permanent.app, permanent.deps, { port: 0, hostname: "127.0.0.1" });
    try {
      const at = `http://127.0.0.1:${permanent.app.server!.port}/${link.hash}`;
      for (let i = 0; i < 3; i++) { // read, kept on the second read, answered from the cache on the third
        const r = await fetch(at, { redirect: "manual" });
        expect([r.status, r.headers.get("location")]).toEqual([301, "https://example.com/moved"]);
      }
    } finally {
      await permanent.app.stop(true);
    }
  });
});
