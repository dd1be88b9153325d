import { describe, expect, test } from "bun:test";
import { testApp } from "../support/app";

const UA = {
  iphone: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
  android: "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
  ipad: "Mozilla/5.0 (iPad; CPU OS 12_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1 Mobile/15E148 Safari/604.1",
  desktop: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
  tv: "Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36",
};

async function setup(body: Record<string, unknown>, options: Parameters<typeof testApp>[0] = {}) {
  const k = testApp(options);
  const u = await k.user();
  const r = await k.create(u.token, body);
  expect(r.status).toBe(200);
  const slug = r.body.link.alias ?? r.body.link.hash;
  return { k, u, slug, link: r.body.link };
}

const BROWSER_UA = { "user-agent": UA.desktop };

const visit = (k: ReturnType<typeof testApp>, path: string, headers: Record<string, string> = {}) =>
  k.handle(path, { headers });

describe("plain redirects", () => {
  test("a link redirects with 302 to its long_url", async () => {
    const { k, slug } = await setup({ long_url: "https://google.com/search" });
    const r = await visit(k, `/${slug}`);
    expect(r.status).toBe(302);
    expect(r.headers.get("location")).toBe("https://google.com/search");
    expect(r.headers.get("cache-control")).toContain("no-store");
  });

  test("the visitor's query string is appended to the destination's", async () => {
    const { k, slug } = await setup({ long_url: "https://example.com/page?ref=kurz#top" });
    const r = await visit(k, `/${slug}?utm_source=mail&q=a%20b`);
    expect(r.headers.get("location")).toBe("https://example.com/page?ref=kurz&utm_source=mail&q=a%20b#top");
  });

  test("a parameter the destination has too takes the visitor's value, once; the rest is kept as written", async () => {
    const { k, slug } = await setup({ long_url: "https://example.com/page?utm_source=owner&id=7&tag=a&tag=b&q=x+y#top" });
    const cases: [string, string][] = [
      ["?utm_source=mail", "https://example.com/page?id=7&tag=a&tag=b&q=x+y&utm_source=mail#top"],
      ["?tag=c", "https://example.com/page?utm_source=owner&id=7&q=x+y&tag=c#top"],
      ["?utm%5Fsource=mail&extra", "https://example.com/page?id=7&tag=a&tag=b&q=x+y&utm%5Fsource=mail&extra#top"],
      ["?q=a%20b&id", "https://example.com/page?utm_source=owner&tag=a&tag=b&q=a%20b&id#top"],
      ["?other=%zz", "https://example.com/page?utm_source=owner&id=7&tag=a&tag=b&q=x+y&other=%zz#top"],
    ];
    for (const [query, location] of cases) {
      expect([query, (await visit(k, `/${slug}${query}`)).headers.get("location")]).toEqual([query, location]);
    }
  });

  test("a destination without a query gets the visitor's query", async () => {
    const { k, slug } = await setup({ long_url: "https://example.com" });
    expect((await visit(k, `/${slug}?a=1`)).headers.get("location")).toBe("https://example.com/?a=1");
  });

  test("HEAD answers like GET without a body", async () => {
    const { k, slug } = await setup({ long_url: "https://google.com" });
    const r = await k.handle(`/${slug}`, { method: "HEAD" });
    expect(r.status).toBe(302);
    expect(r.headers.get("location")).toBe("https://google.com/");
    expect(await r.text()).toBe("");
  });

  test("an alias is matched exactly, case included", async () => {
    const { k } = await setup({ long_url: "https://google.com", alias: "Promo" });
    expect((await visit(k, "/Promo")).status).toBe(302);
    expect((await visit(k, "/promo")).status).toBe(404);
  });
});

describe("pages instead of a redirect", () => {
  test("an unknown slug is a 404 HTML page with a CSP", async () => {
    const k = testApp();
    const r = await visit(k, "/nothing");
    expect(r.status).toBe(404);
    expect(r.headers.get("content-type")).toContain("text/html");
    expect(r.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await r.text()).toContain("does not exist");
  });

  test("a path that cannot be a slug is a 404 page", async () => {
    const k = testApp();
    for (const path of ["/favicon.ico", "/a.b", "/%00", "/a/b/c"]) {
      const r = await visit(k, path);
      expect(r.status).toBe(404);
    }
  });

  test("a disabled link is a 404 page", async () => {
    const { k, slug } = await setup({ long_url: "https://google.com", disabled: true });
    const r = await visit(k, `/${slug}`);
    expect(r.status).toBe(404);
    expect(r.headers.get("location")).toBeNull();
  });

  test("an expired link is a 410 page", async () => {
    let now = new Date("2030-01-01T00:00:00Z");
    const { k, slug } = await setup({ long_url: "https://google.com", expires_at: "2030-01-02 00:00:00" }, { deps: { now: () => now } });
    expect((await visit(k, `/${slug}`)).status).toBe(302);
    now = new Date("2030-01-02T00:00:00Z");
    const r = await visit(k, `/${slug}`);
    expect(r.status).toBe(410);
    expect(r.headers.get("location")).toBeNull();
    expect(await r.text()).toContain("expired");
  });
});

describe("password-protected links", () => {
  test("GET shows a form and does not reveal the destination", async () => {
    const { k, slug } = await setup({ long_url: "https://secret.example/hidden", password: "open sesame" });
    const r = await visit(k, `/${slug}`);
    expect(r.status).toBe(200);
    expect(r.headers.get("location")).toBeNull();
    const page = await r.text();
    expect(page).toContain('type="password"');
    expect(page).toContain(`action="/${slug}"`);
    expect(page).not.toContain("secret.example");
    expect(r.headers.get("content-security-policy")).toBeString();
  });

  test("the right password redirects, with the original query string", async () => {
    const { k, slug } = await setup({ long_url: "https://secret.example/hidden", password: "open sesame" });
    const form = await (await visit(k, `/${slug}?x=1`)).text();
    expect(form).toContain(`action="/${slug}?x=1"`);
    const r = await k.handle(`/${slug}?x=1`, {
      method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "password=open+sesame",
    });
    expect(r.status).toBe(302);
    expect(r.headers.get("location")).toBe("https://secret.example/hidden?x=1");
  });

  test("a wrong password shows the form again with an error", async () => {
    const { k, slug } = await setup({ long_url: "https://secret.example/hidden", password: "open sesame" });
    for (const body of ["password=wrong", "", "other=field", `password=${"x".repeat(300)}`]) {
      const r = await k.handle(`/${slug}`, {
        method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body,
      });
      expect(r.status).toBe(403);
      expect(r.headers.get("location")).toBeNull();
      const page = await r.text();
      expect(page).toContain("not right");
      expect(page).not.toContain("secret.example");
    }
  });

  test("the form's action escapes what the visitor put in the URL", async () => {
    const { k, slug } = await setup({ long_url: "https://secret.example", password: "pw" });
    const page = await (await visit(k, `/${slug}?a="><script>alert(1)</script>`)).text();
    expect(page).not.toContain("<script>alert(1)");
  });
});

describe("device and geo rules", () => {
  const deviceRules = [
    { type: "device", key: "phone", value: "https://phone.example" },
    { type: "device", key: "tablet", value: "https://tablet.example" },
    { type: "device", key: "tv", value: "https://tv.example" },
  ];

  test("each device type goes to its rule's destination, others to long_url", async () => {
    const { k, slug } = await setup({ long_url: "https://default.example", rules: deviceRules });
    const to = async (ua: string) => (await visit(k, `/${slug}`, { "user-agent": ua })).headers.get("location");
    expect(await to(UA.iphone)).toBe("https://phone.example/");
    expect(await to(UA.android)).toBe("https://phone.example/");
    expect(await to(UA.ipad)).toBe("https://tablet.example/");
    expect(await to(UA.tv)).toBe("https://tv.example/");
    expect(await to(UA.desktop)).toBe("https://default.example/");
    expect((await visit(k, `/${slug}`)).headers.get("location")).toBe("https://default.example/");
  });

  test("a desktop rule catches desktop browsers", async () => {
    const { k, slug } = await setup({ long_url: "https://default.example", rules: [{ type: "device", key: "desktop", value: "https://desk.example" }] });
    expect((await visit(k, `/${slug}`, { "user-agent": UA.desktop })).headers.get("location")).toBe("https://desk.example/");
  });

  test("behind a trusted proxy, the country comes from X-Forwarded-For and the embedded database", async () => {
    const { k, slug } = await setup({
      long_url: "https://default.example",
      rules: [{ type: "geo", key: "JP", value: "https://jp.example" }, { type: "geo", key: "de", value: "https://de.example" }],
    }, { config: { trustProxy: true } });
    const from = async (ip: string) => (await visit(k, `/${slug}`, { "x-forwarded-for": ip })).headers.get("location");
    expect(await from("133.242.0.1")).toBe("https://jp.example/");
    expect(await from("141.30.0.1, 10.0.0.1")).toBe("https://de.example/");
    expect(await from("8.8.8.8")).toBe("https://default.example/");
    expect(await from("not-an-ip")).toBe("https://default.example/");
  });

  test("behind a trusted proxy, CF-IPCountry names the country (XX and T1 name none)", async () => {
    const { k, slug } = await setup({
      long_url: "https://default.example", rules: [{ type: "geo", key: "de", value: "https://de.example" }],
    }, { config: { trustProxy: true } });
    expect((await visit(k, `/${slug}`, { "cf-ipcountry": "DE" })).headers.get("location")).toBe("https://de.example/");
    expect((await visit(k, `/${slug}`, { "cf-ipcountry": "XX" })).headers.get("location")).toBe("https://default.example/");
    expect((await visit(k, `/${slug}`, { "cf-ipcountry": "T1" })).headers.get("location")).toBe("https://default.example/");
  });

  test("without --trust-proxy, forwarding and CDN headers are ignored", async () => {
    const { k, slug } = await setup({
      long_url: "https://default.example", rules: [{ type: "geo", key: "de", value: "https://de.example" }],
    });
    const r = await visit(k, `/${slug}`, { "cf-ipcountry": "DE", "x-forwarded-for": "141.30.0.1" });
    expect(r.headers.get("location")).toBe("https://default.example/");
  });

  test("the first matching rule wins, in the order given", async () => {
    const { k, slug } = await setup({
      long_url: "https://default.example",
      rules: [
        { type: "geo", key: "de", value: "https://de.example" },
        { type: "device", key: "phone", value: "https://phone.example" },
      ],
    }, { config: { trustProxy: true } });
    const to = async (headers: Record<string, string>) => (await visit(k, `/${slug}`, headers)).headers.get("location");
    expect(await to({ "cf-ipcountry": "DE", "user-agent": UA.iphone })).toBe("https://de.example/");
    expect(await to({ "cf-ipcountry": "FR", "user-agent": UA.iphone })).toBe("https://phone.example/");
  });

  test("a rule's destination also gets the visitor's query string", async () => {
    const { k, slug } = await setup({ long_url: "https://default.example", rules: deviceRules });
    const r = await visit(k, `/${slug}?c=1`, { "user-agent": UA.iphone });
    expect(r.headers.get("location")).toBe("https://phone.example/?c=1");
  });
});

describe("custom domains", () => {
  test("a link on a custom domain answers only on that host", async () => {
    const k = testApp();
    const u = await k.user();
    const d = await k.deps.domains.insert({ userId: u.id, host: "go.example.com", createdAt: new Date() });
    await k.create(u.token, { long_url: "https://custom.example", alias: "promo", domain_id: d.id });
    expect((await visit(k, "/promo", { host: "go.example.com" })).headers.get("location")).toBe("https://custom.example/");
    expect((await visit(k, "/promo", { host: "GO.example.com:443" })).status).toBe(302);
    expect((await visit(k, "/promo")).status).toBe(404);
  });

  test("the same alias on two domains goes to each one's destination", async () => {
    const k = testApp();
    const u = await k.user();
    const d = await k.deps.domains.insert({ userId: u.id, host: "go.example.com", createdAt: new Date() });
    await k.create(u.token, { long_url: "https://default.example", alias: "same" });
    await k.create(u.token, { long_url: "https://custom.example", alias: "same", domain_id: d.id });
    expect((await visit(k, "/same")).headers.get("location")).toBe("https://default.example/");
    expect((await visit(k, "/same", { host: "unknown.example" })).headers.get("location")).toBe("https://default.example/");
    expect((await visit(k, "/same", { host: "go.example.com" })).headers.get("location")).toBe("https://custom.example/");
  });

  test("a custom domain's misses go to its not_found_url", async () => {
    const k = testApp();
    const u = await k.user();
    await k.deps.domains.insert({ userId: u.id, host: "go.example.com", notFoundUrl: "https://example.com/missing", createdAt: new Date() });
    const r = await visit(k, "/nope", { host: "go.example.com" });
    expect(r.status).toBe(302);
    expect(r.headers.get("location")).toBe("https://example.com/missing");
  });
});

describe("the install's root and not-found redirects (--root-redirect, --not-found-redirect)", () => {
  const config = { rootRedirect: "https://www.example.com/", notFoundRedirect: "https://www.example.com/gone?from=kurz" };

  test("the root goes to the root redirect; a path that names no link, or a disabled link, to the not-found redirect", async () => {
    const { k, u, slug } = await setup({ long_url: "https://example.com/live" }, { config });
    const off = await k.create(u.token, { long_url: "https://example.com/off", disabled: true });
    for (const [path, location] of [
      ["/", "https://www.example.com/"],
      ["/?utm_source=x", "https://www.example.com/"],
      ["/nope", "https://www.example.com/gone?from=kurz"],
      [`/${off.body.link.hash}`, "https://www.example.com/gone?from=kurz"],
      ["/a/b/c", "https://www.example.com/gone?from=kurz"],
      ["/favicon.ico", "https://www.example.com/gone?from=kurz"],
      ["/administration", "https://www.example.com/gone?from=kurz"],
      ["/has%20space", "https://www.example.com/gone?from=kurz"],
    ]) {
      const r = await visit(k, path!, BROWSER_UA);
      expect([path, r.status, r.headers.get("location")]).toEqual([path, 302, location]);
      expect(r.headers.get("cache-control")).toContain("no-store");
    }
    // Links, the API, the admin page and the health check are what they were.
    expect((await visit(k, `/${slug}`, BROWSER_UA)).headers.get("location")).toBe("https://example.com/live");
    const api = await visit(k, "/api/nothing");
    expect([api.status, await api.json()]).toEqual([404, { status: "error", messages: { route: ["There is no such endpoint."] } }]);
    expect((await visit(k, "/admin")).status).toBe(200);
    expect((await visit(k, "/healthz")).status).toBe(200);
    // A miss under the admin page or the docs is their 404, not a link's.
    for (const path of ["/admin/assets/nope.js", "/admin/nothing", "/swagger/nothing"]) expect([path, (await visit(k, path)).status]).toEqual([path, 404]);
    // Misses are no clicks.
    await k.deps.clicks.flush();
    expect((await k.call(u.token, "GET", `/api/links/${off.body.link.id}/stats`)).body.stats.total).toBe(0);
  });

  test("an expired link still answers its 410 page", async () => {
    let now = new Date("2030-01-01T00:00:00Z");
    const { k, slug } = await setup({ long_url: "https://example.com/old", expires_at: "2030-01-02 00:00:00" }, { config, deps: { now: () => now } });
    now = new Date("2030-01-02T00:00:00Z");
    expect((await visit(k, `/${slug}`)).status).toBe(410);
  });

  test("without a root redirect the root goes to the not-found redirect; without either, both are the 404 page", async () => {
    const only = testApp({ config: { notFoundRedirect: "https://www.example.com/404" } });
    expect((await visit(only, "/")).headers.get("location")).toBe("https://www.example.com/404");
    const none = testApp();
    expect((await visit(none, "/")).status).toBe(404);
    expect((await visit(none, "/nope")).status).toBe(404);
  });

  test("a custom domain's own not_found_url wins on its host; a domain without one uses the install's", async () => {
    const k = testApp({ config });
    const u = await k.user();
    await k.deps.domains.insert({ userId: u.id, host: "own.example.com", notFoundUrl: "https://own.example.com/home", createdAt: new Date() });
    await k.deps.domains.insert({ userId: u.id, host: "bare.example.com", createdAt: new Date() });
    expect((await visit(k, "/", { host: "own.example.com" })).headers.get("location")).toBe("https://own.example.com/home");
    expect((await visit(k, "/nope", { host: "own.example.com" })).headers.get("location")).toBe("https://own.example.com/home");
    expect((await visit(k, "/", { host: "bare.example.com" })).headers.get("location")).toBe("https://www.example.com/");
    expect((await visit(k, "/nope", { host: "bare.example.com" })).headers.get("location")).toBe("https://www.example.com/gone?from=kurz");
  });

  test("a redirect URL with non-ASCII characters is sent percent-encoded", async () => {
    const k = testApp({ config: { rootRedirect: "https://例え.jp/ホーム" } });
    expect((await visit(k, "/")).headers.get("location")).toBe("https://xn--r8jz45g.jp/%E3%83%9B%E3%83%BC%E3%83%A0");
  });
});

describe("search engines", () => {
  test("kurz's own pages say noindex (a password form, a 404, the admin page), so they do not show up in search results", async () => {
    const { k, u } = await setup({ long_url: "https://example.com/indexed-elsewhere" });
    const locked = await k.create(u.token, { long_url: "https://example.com/secret", password: "pw" });
    for (const path of [`/${locked.body.link.hash}`, "/nope", "/admin", "/swagger"]) {
      const r = await visit(k, path, BROWSER_UA);
      expect([path, r.headers.get("x-robots-tag")]).toEqual([path, "noindex"]);
    }
  });

  test("/robots.txt lets crawlers follow short links (previews) but keeps them off the API, admin page and docs, on every host", async () => {
    const k = testApp({ config: { notFoundRedirect: "https://www.example.com/" } });
    const u = await k.user();
    await k.deps.domains.insert({ userId: u.id, host: "go.example.com", notFoundUrl: "https://go.example.com/home", createdAt: new Date() });
    for (const host of ["localhost", "go.example.com"]) {
      const r = await visit(k, "/robots.txt", { host });
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      expect(await r.text()).toBe("User-agent: *\nDisallow: /api/\nDisallow: /admin$\nDisallow: /admin/\nDisallow: /swagger$\nDisallow: /swagger/\n");
    }
  });
});

describe("the redirect status (--redirect-status)", () => {
  test("301, 307 and 308 replace the 302 for links, rules and bots on pixel links, with no-store, and the click is counted", async () => {
    for (const status of [301, 307, 308] as const) {
      const { k, u, slug, link } = await setup({ long_url: "https://example.com/to", rules: [{ type: "device", key: "phone", value: "https://m.example.com/" }] }, { config: { redirectStatus: status } });
      const plain = await visit(k, `/${slug}`, BROWSER_UA);
      expect([plain.status, plain.headers.get("location"), plain.headers.get("cache-control")]).toEqual([status, "https://example.com/to", "private, no-store"]);
      const phone = await visit(k, `/${slug}`, { "user-agent": UA.iphone });
      expect([phone.status, phone.headers.get("location")]).toEqual([status, "https://m.example.com/"]);
      expect((await k.handle(`/${slug}`, { method: "HEAD", headers: BROWSER_UA })).status).toBe(status);
      await k.deps.clicks.flush();
      expect((await k.call(u.token, "GET", `/api/links/${link.id}/stats`)).body.stats.total).toBe(2);
    }
  });

  test("after a password form's POST it is always 302, so the browser does not post the password on to the destination", async () => {
    const { k, slug } = await setup({ long_url: "https://example.com/secret", password: "pw" }, { config: { redirectStatus: 308 } });
    const r = await k.handle(`/${slug}`, { method: "POST", headers: { ...BROWSER_UA, "content-type": "application/x-www-form-urlencoded" }, body: "password=pw" });
    expect([r.status, r.headers.get("location")]).toEqual([302, "https://example.com/secret"]);
    // With the unlock cookie, the next GET uses the install's status.
    const cookie = r.headers.get("set-cookie")!.split(";")[0]!;
    const again = await visit(k, `/${slug}`, { ...BROWSER_UA, cookie });
    expect([again.status, again.headers.get("location")]).toEqual([308, "https://example.com/secret"]);
  });

  test("not-found redirects stay temporary (302)", async () => {
    const k = testApp({ config: { redirectStatus: 301, notFoundRedirect: "https://www.example.com/" } });
    expect((await visit(k, "/nope")).status).toBe(302);
  });
});

describe("the preview (/<slug>+)", () => {
  test("shows where a link leads, its title, the hosts its rules send some visitors to and its trackers, escaped; no click counted", async () => {
    const k = testApp();
    const u = await k.user();
    const pixel = (await k.call(u.token, "POST", "/api/pixels", { name: "fb", type: "facebook", pixel_id: "123456789012345" })).body.pixel;
    const { body } = await k.create(u.token, {
      long_url: "https://shop.example/item?a=1&b=<2>", title: "Spring <sale> & more", pixels: [pixel.id],
      rules: [{ type: "device", key: "phone", value: "https://m.shop.example/item" }, { type: "geo", key: "de", value: "https://shop.example.de/" }],
    });
    const slug = body.link.hash;
    const r = await visit(k, `/${slug}+`, BROWSER_UA);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("text/html");
    expect(r.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(r.headers.get("x-robots-tag")).toBe("noindex");
    const page = await r.text();
    expect(page).toContain("<p class=\"title\">Spring &lt;sale&gt; &amp; more</p>");
    expect(page).toContain(`http://localhost:8080/${slug}</span> leads to <strong>shop.example</strong>`);
    expect(page).toContain('<a href="https://shop.example/item?a=1&amp;b=%3C2%3E" rel="nofollow noopener noreferrer">https://shop.example/item?a=1&amp;b=%3C2%3E</a>');
    expect(page).toContain("some visitors go to m.shop.example, shop.example.de instead.");
    expect(page).toContain("Following it first loads tracking by Facebook.");
    expect(page).toContain(`<img class="qr" src="/${slug}/qr"`);
    expect(page).toContain(`<a class="button" href="/${slug}">Continue to shop.example</a>`);
    expect(page).not.toContain("fbq(");
    // HEAD answers the same without a body; neither is a click.
    const head = await k.handle(`/${slug}+`, { method: "HEAD", headers: BROWSER_UA });
    expect([head.status, await head.text()]).toEqual([200, ""]);
    await k.deps.clicks.flush();
    expect((await k.call(u.token, "GET", `/api/links/${body.link.id}/stats`)).body.stats.total).toBe(0);
  });

  test("on a custom domain it names that domain's short URL", async () => {
    const k = testApp();
    const u = await k.user();
    const d = await k.deps.domains.insert({ userId: u.id, host: "go.example.com", createdAt: new Date() });
    await k.create(u.token, { long_url: "https://custom.example/", alias: "promo", domain_id: d.id });
    const page = await (await visit(k, "/promo+", { host: "go.example.com" })).text();
    expect(page).toContain("https://go.example.com/promo</span> leads to <strong>custom.example</strong>");
    expect((await visit(k, "/promo+")).status).toBe(404);
  });

  test("a protected link's preview says so without its destination and leads to its form; unknown, disabled and expired links answer as they would", async () => {
    let now = new Date("2030-01-01T00:00:00Z");
    const k = testApp({ deps: { now: () => now } });
    const u = await k.user();
    const locked = (await k.create(u.token, { long_url: "https://example.com/secret-place", password: "pw" })).body.link;
    const page = await visit(k, `/${locked.hash}+`);
    const text = await page.text();
    expect(page.status).toBe(200);
    expect(text).toContain(`http://localhost:8080/${locked.hash}</span> is protected by a password`);
    expect(text).toContain(`<a class="button" href="/${locked.hash}">Continue to the password form</a>`);
    expect(text).not.toContain("secret-place");
    expect(text).not.toContain("<form");
    await k.deps.clicks.flush();
    expect((await k.call(u.token, "GET", `/api/links/${locked.id}/stats`)).body.stats.total).toBe(0);

    const off = (await k.create(u.token, { long_url: "https://example.com/off", disabled: true })).body.link;
    const soon = (await k.create(u.token, { long_url: "https://example.com/soon", expires_at: "2030-01-02 00:00:00" })).body.link;
    now = new Date("2030-01-03T00:00:00Z");
    for (const [path, status] of [[`/${off.hash}+`, 404], ["/nothing+", 404], [`/${soon.hash}+`, 410], ["/api+", 404], ["/admin+", 404], ["/x++", 404]] as const) {
      expect([path, (await visit(k, path)).status]).toEqual([path, status]);
    }
  });
});

describe("visits that are not counted (--disable-track-param, --disable-tracking-from)", () => {
  const total = async (k: ReturnType<typeof testApp>, token: string, id: number) => {
    await k.deps.clicks.flush();
    return (await k.call(token, "GET", `/api/links/${id}/stats`)).body.stats.total;
  };

  test("a visit with the no-track parameter is sent on without it and not counted; others are", async () => {
    const { k, u, slug, link } = await setup({ long_url: "https://example.com/page?a=1" }, { config: { disableTrackParam: "notrack" } });
    const cases: [string, string][] = [
      ["?notrack", "https://example.com/page?a=1"],
      ["?notrack=1&utm_source=test", "https://example.com/page?a=1&utm_source=test"],
      ["?b=2&notrack&notrack=yes", "https://example.com/page?a=1&b=2"],
    ];
    for (const [query, location] of cases) {
      expect([query, (await visit(k, `/${slug}${query}`, BROWSER_UA)).headers.get("location")]).toEqual([query, location]);
    }
    expect(await total(k, u.token, link.id)).toBe(0);
    expect((await visit(k, `/${slug}?notracking=1`, BROWSER_UA)).headers.get("location")).toBe("https://example.com/page?a=1&notracking=1");
    await visit(k, `/${slug}`, BROWSER_UA);
    expect(await total(k, u.token, link.id)).toBe(2);
  });

  test("visits from listed addresses and ranges are not counted, IPv4-mapped and IPv6 alike, behind a trusted proxy too", async () => {
    const { k, u, slug, link } = await setup({ long_url: "https://example.com/" }, { config: { trustProxy: true, disableTrackingFrom: ["203.0.113.0/24", "2001:db8::/32", "198.51.100.7"] } });
    for (const ip of ["203.0.113.9", "::ffff:203.0.113.200", "2001:db8:1::5", "198.51.100.7"]) {
      expect((await visit(k, `/${slug}`, { ...BROWSER_UA, "x-forwarded-for": ip })).status).toBe(302);
    }
    expect(await total(k, u.token, link.id)).toBe(0);
    for (const ip of ["203.0.114.1", "198.51.100.8", "2001:db9::1"]) await visit(k, `/${slug}`, { ...BROWSER_UA, "x-forwarded-for": ip });
    expect(await total(k, u.token, link.id)).toBe(3);
  });

  test("without the options every visit counts, the parameter included", async () => {
    const { k, u, slug, link } = await setup({ long_url: "https://example.com/" });
    expect((await visit(k, `/${slug}?notrack`, BROWSER_UA)).headers.get("location")).toBe("https://example.com/?notrack");
    expect(await total(k, u.token, link.id)).toBe(1);
  });
});

describe("the extra path (--append-extra-path)", () => {
  test("/<slug>/more/path leads to the destination with the path appended, the query merged, rules too; the QR code stays", async () => {
    const { k, slug } = await setup({ long_url: "https://docs.example/v2/?lang=en", rules: [{ type: "device", key: "phone", value: "https://m.docs.example/" }] }, { config: { appendExtraPath: true } });
    const cases: [string, Record<string, string>, string][] = [
      [`/${slug}/guide/install`, BROWSER_UA, "https://docs.example/v2/guide/install?lang=en"],
      [`/${slug}/guide/install?lang=de&x=1`, BROWSER_UA, "https://docs.example/v2/guide/install?lang=de&x=1"],
      [`/${slug}/a%20b/%C3%A9`, BROWSER_UA, "https://docs.example/v2/a%20b/%C3%A9?lang=en"],
      [`/${slug}/faq`, { "user-agent": UA.iphone }, "https://m.docs.example/faq"],
      [`/${slug}`, BROWSER_UA, "https://docs.example/v2/?lang=en"],
    ];
    for (const [path, headers, location] of cases) {
      const r = await visit(k, path, headers);
      expect([path, r.status, r.headers.get("location")]).toEqual([path, 302, location]);
    }
    const qr = await visit(k, `/${slug}/qr`);
    expect([qr.status, qr.headers.get("content-type")]).toEqual([200, "image/svg+xml; charset=utf-8"]);
    expect((await visit(k, "/nope/guide")).status).toBe(404);
    expect((await visit(k, "/api/links/x")).status).toBe(401);
  });

  test("a protected link keeps the extra path through its password form", async () => {
    const { k, slug } = await setup({ long_url: "https://docs.example/v2/", password: "pw" }, { config: { appendExtraPath: true } });
    const form = await (await visit(k, `/${slug}/guide/install?x=1`, BROWSER_UA)).text();
    expect(form).toContain(`action="/${slug}?x=1"`);
    expect(form).toContain('<input type="hidden" name="path" value="/guide/install">');
    const r = await k.handle(`/${slug}?x=1`, { method: "POST", headers: { ...BROWSER_UA, "content-type": "application/x-www-form-urlencoded" }, body: "password=pw&path=%2Fguide%2Finstall" });
    expect([r.status, r.headers.get("location")]).toEqual([302, "https://docs.example/v2/guide/install?x=1"]);
    // A path that is no path is ignored.
    const odd = await k.handle(`/${slug}`, { method: "POST", headers: { ...BROWSER_UA, "content-type": "application/x-www-form-urlencoded" }, body: "password=pw&path=%2F%2Fevil.example%2F" });
    expect(odd.headers.get("location")).toBe("https://docs.example/v2/");
  });

  test("without the option, /<slug>/more/path names no link", async () => {
    const { k, slug } = await setup({ long_url: "https://docs.example/" });
    expect((await visit(k, `/${slug}/guide`)).status).toBe(404);
  });
});
