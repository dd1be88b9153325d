import { describe, expect, test } from "bun:test";
import { BROWSER, testApp, type TestApp } from "../support/app";

const examples: Record<string, string> = {
  facebook: "1234567890123456",
  google_analytics: "G-ABC123XYZ",
  google_tag_manager: "GTM-AB12CD",
  google_ads: "AW-123456789",
  linkedin: "123456",
  twitter: "o1abc",
  tiktok: "C4ABCDEFGHIJKLMNOPQR",
  pinterest: "2612345678901",
  snapchat: "12345678-1234-1234-1234-123456789012",
  bing: "12345678",
  reddit: "t2_abc123",
  quora: "0123456789abcdef0123456789abcdef",
};

describe("/api/pixels", () => {
  test("each of the twelve vendor types is accepted with a valid id", async () => {
    const k = testApp();
    const u = await k.user();
    for (const [type, id] of Object.entries(examples)) {
      const r = await k.call(u.token, "POST", "/api/pixels", { name: `My ${type}`, type, pixel_id: id });
      expect(r.status).toBe(200);
      expect(r.body.pixel).toMatchObject({ name: `My ${type}`, type });
      expect(r.body.pixel.pixel_id.toLowerCase()).toBe(id.toLowerCase());
      expect(r.body.pixel.created_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    }
    expect((await k.call(u.token, "GET", "/api/pixels")).body.pixels).toHaveLength(12);
  });

  test("an id that does not match the vendor's format is a 422 naming pixel_id", async () => {
    const k = testApp();
    const u = await k.user();
    for (const [type, id] of [["facebook", "abc"], ["google_analytics", "UA-1234-1"], ["google_tag_manager", '"><script>'], ["snapchat", "not-a-uuid"]]) {
      const r = await k.call(u.token, "POST", "/api/pixels", { name: "x", type, pixel_id: id });
      expect(r.status).toBe(422);
      expect(r.body.messages.pixel_id[0]).toMatch(/^[A-Z]/);
    }
  });

  test("an unknown type or a blank name is a 422", async () => {
    const k = testApp();
    const u = await k.user();
    expect((await k.call(u.token, "POST", "/api/pixels", { name: "x", type: "myspace", pixel_id: "1" })).body.messages.type).toBeArray();
    expect((await k.call(u.token, "POST", "/api/pixels", { name: "  ", type: "facebook", pixel_id: examples.facebook })).body.messages.name).toBeArray();
    expect((await k.call(u.token, "POST", "/api/pixels", { type: "facebook" })).status).toBe(422);
  });

  test("pixels are owner-scoped; an admin sees all", async () => {
    const k = testApp();
    const a = await k.user();
    const b = await k.user();
    const admin = await k.user({ admin: true });
    const { body } = await k.call(a.token, "POST", "/api/pixels", { name: "a", type: "facebook", pixel_id: examples.facebook });
    expect((await k.call(b.token, "GET", "/api/pixels")).body.pixels).toEqual([]);
    expect((await k.call(admin.token, "GET", "/api/pixels")).body.pixels).toHaveLength(1);
    expect((await k.call(b.token, "DELETE", `/api/pixels/${body.pixel.id}`)).status).toBe(404);
    expect((await k.call(a.token, "DELETE", `/api/pixels/${body.pixel.id}`)).status).toBe(200);
    expect((await k.call(a.token, "GET", "/api/pixels")).body.pixels).toEqual([]);
  });
});

describe("the pixel page", () => {
  async function pixelLink(k: TestApp, types: string[]) {
    const u = await k.user();
    const ids = [];
    for (const type of types) {
      ids.push((await k.call(u.token, "POST", "/api/pixels", { name: type, type, pixel_id: examples[type]! })).body.pixel.id);
    }
    const { body } = await k.create(u.token, { long_url: "https://shop.example/item?x=1", pixels: ids });
    return { u, slug: body.link.hash as string, ids };
  }

  test("a link with pixels answers a page that fires them and then sends the visitor on", async () => {
    const k = testApp();
    const { slug } = await pixelLink(k, ["facebook", "google_analytics"]);
    const r = await k.handle(`/${slug}?utm=1`, { headers: { "user-agent": "Mozilla/5.0 (Windows NT 10.0) Chrome/120.0 Safari/537.36" } });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("text/html");
    const page = await r.text();
    expect(page).toContain("fbq(");
    expect(page).toContain(examples.facebook!);
    expect(page).toContain("G-ABC123XYZ");
    expect(page).toContain('http-equiv="refresh"');
    expect(page).toContain("location.replace(\"https://shop.example/item?x=1&utm=1\")");
  });

  test("its CSP allows the vendors' hosts and its own inline scripts by hash, nothing else", async () => {
    const k = testApp();
    const { slug } = await pixelLink(k, ["facebook"]);
    const r = await k.handle(`/${slug}`, { headers: BROWSER });
    const csp = r.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("https://connect.facebook.net");
    expect(csp).not.toContain("'unsafe-inline'");
    expect(csp).not.toContain("*;");
    const page = await r.text();
    const inline = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(inline.length).toBeGreaterThan(0);
    for (const js of inline) {
      const hash = new Bun.CryptoHasher("sha256").update(js).digest("base64");
      expect(csp).toContain(`'sha256-${hash}'`);
    }
  });

  test("with every vendor at once, no script on the page can reach kurz's own origin (where /admin is)", async () => {
    // Pixel pages are served on the origin of the admin page: a vendor's script (any user's GTM container)
    // must not be able to read /admin/session or call the API with a logged-in admin's cookie.
    const k = testApp();
    const { slug } = await pixelLink(k, Object.keys(examples));
    const r = await k.handle(`/${slug}`, { headers: BROWSER });
    const csp = r.headers.get("content-security-policy")!;
    const directives = new Map(csp.split(/;\s*/).map((d) => [d.split(" ")[0]!, d.split(" ").slice(1)]));
    expect(directives.get("default-src")).toEqual(["'none'"]);
    expect(directives.get("form-action")).toEqual(["'none'"]);
    expect(directives.get("base-uri")).toEqual(["'none'"]);
    for (const name of ["script-src", "connect-src", "frame-src", "img-src"]) {
      const sources = directives.get(name)!;
      expect(sources.length).toBeGreaterThan(0);
      for (const source of sources) {
        // Vendors' https hosts or the page's own script hashes; never the page's origin, a scheme, a wildcard host, a nonce or eval.
        expect(source).toMatch(/^(https:\/\/(\*\.)?[a-z0-9.-]+\.[a-z]+|'sha256-[A-Za-z0-9+/=]+')$/);
        expect(source).not.toContain("localhost");
      }
    }
  });

  test("the destination is escaped on the page", async () => {
    const k = testApp();
    const u = await k.user();
    const p = (await k.call(u.token, "POST", "/api/pixels", { name: "fb", type: "facebook", pixel_id: examples.facebook })).body.pixel.id;
    const { body } = await k.create(u.token, { long_url: "https://x.example/?q=\"><script>alert(1)</script>&a='", pixels: [p] });
    const page = await (await k.handle(`/${body.link.hash}?</script><script>alert(2)</script>`)).text();
    expect(page).not.toContain("<script>alert(1)");
    expect(page).not.toContain("</script><script>alert(2)");
  });

  test("crawlers and link-preview bots get a plain 302 instead", async () => {
    const k = testApp();
    const { slug } = await pixelLink(k, ["facebook"]);
    for (const ua of ["facebookexternalhit/1.1", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "Twitterbot/1.0", "Mozilla/5.0 (compatible; Googlebot/2.1)"]) {
      const r = await k.handle(`/${slug}`, { headers: { "user-agent": ua } });
      expect(r.status).toBe(302);
    }
  });

  test("a deleted pixel stops firing at once", async () => {
    const k = testApp();
    const { u, slug, ids } = await pixelLink(k, ["facebook"]);
    expect((await k.handle(`/${slug}`, { headers: BROWSER })).status).toBe(200);
    await k.call(u.token, "DELETE", `/api/pixels/${ids[0]}`);
    const r = await k.handle(`/${slug}`, { headers: BROWSER });
    expect(r.status).toBe(302);
  });
});
