import { describe, expect, test } from "bun:test";
import { BROWSER, testApp } from "../support/app";

describe("GET /api/links", () => {
  test("lists the user's links newest first with clicks and pagination", async () => {
    const k = testApp();
    const u = await k.user();
    const other = await k.user();
    for (let i = 1; i <= 3; i++) await k.create(u.token, { long_url: `https://e.example/${i}` });
    await k.create(other.token, { long_url: "https://other.example" });
    const first = (await k.call(u.token, "GET", "/api/links")).body.links[0];
    await k.handle(`/${first.hash}`, { headers: BROWSER });
    await k.handle(`/${first.hash}`, { headers: BROWSER });
    await k.deps.clicks.flush();
    const { status, body } = await k.call(u.token, "GET", "/api/links?per_page=2");
    expect(status).toBe(200);
    expect(body.links.map((l: any) => l.long_url)).toEqual(["https://e.example/3", "https://e.example/2"]);
    expect(body.links[0].clicks).toBe(2);
    expect(body.links[1].clicks).toBe(0);
    expect(body.pagination).toEqual({ page: 1, per_page: 2, total: 3 });
    const page2 = (await k.call(u.token, "GET", "/api/links?per_page=2&page=2")).body;
    expect(page2.links.map((l: any) => l.long_url)).toEqual(["https://e.example/1"]);
  });

  test("filters by tag and by a search in slug, destination and title", async () => {
    const k = testApp();
    const u = await k.user();
    await k.create(u.token, { long_url: "https://shop.example", tags: ["promo"], title: "Winter sale" });
    await k.create(u.token, { long_url: "https://blog.example", alias: "post-100" });
    const byTag = (await k.call(u.token, "GET", "/api/links?tag=promo")).body;
    expect(byTag.links.map((l: any) => l.long_url)).toEqual(["https://shop.example"]);
    expect((await k.call(u.token, "GET", "/api/links?q=winter")).body.links).toHaveLength(1);
    expect((await k.call(u.token, "GET", "/api/links?q=post-1")).body.links).toHaveLength(1);
    expect((await k.call(u.token, "GET", "/api/links?q=%25")).body.links).toHaveLength(0);
    expect((await k.call(u.token, "GET", "/api/links?q=blog")).body.pagination.total).toBe(1);
  });

  test("an admin sees everyone's links; bad paging is a 422", async () => {
    const k = testApp();
    const u = await k.user();
    const admin = await k.user({ admin: true });
    await k.create(u.token, { long_url: "https://e.example" });
    expect((await k.call(admin.token, "GET", "/api/links")).body.pagination.total).toBe(1);
    expect((await k.call(u.token, "GET", "/api/links?per_page=1000")).status).toBe(422);
    expect((await k.call(u.token, "GET", "/api/links?page=0")).status).toBe(422);
  });

  test("a number out of range in the query or the path is reported under its own name", async () => {
    const k = testApp();
    const u = await k.user();
    const link = await k.create(u.token, { long_url: "https://e.example" });
    const messages = async (path: string) => (await k.call(u.token, "GET", path)).body.messages;
    expect(await messages("/api/links?per_page=101")).toEqual({ per_page: ["The per_page must be a whole number from 1 to 100."] });
    expect(await messages("/api/links?page=0")).toEqual({ page: ["The page must be a whole number from 1."] });
    expect(await messages("/api/links/0")).toEqual({ id: ["The id must be a positive integer."] });
    expect(await messages(`/api/links/${link.body.link.id}/qr?size=10`)).toEqual({ size: ["The size must be a whole number of pixels from 64 to 2048."] });
  });
});

describe("GET, PATCH and DELETE /api/links/:id", () => {
  test("GET answers the link; someone else's is a 404", async () => {
    const k = testApp();
    const u = await k.user();
    const other = await k.user();
    const { body } = await k.create(u.token, { long_url: "https://e.example", tags: ["a"] });
    const r = await k.call(u.token, "GET", `/api/links/${body.link.id}`);
    expect(r.status).toBe(200);
    expect(r.body.link).toMatchObject({ id: body.link.id, tags: ["a"], clicks: 0 });
    expect((await k.call(other.token, "GET", `/api/links/${body.link.id}`)).status).toBe(404);
    expect((await k.call(u.token, "GET", "/api/links/999")).status).toBe(404);
  });

  test("PATCH changes only the fields given, and null clears", async () => {
    const k = testApp();
    const u = await k.user();
    const { body } = await k.create(u.token, {
      long_url: "https://e.example", title: "Old", tags: ["a", "b"], expires_at: "2099-01-01 00:00:00", password: "pw",
    });
    const r = await k.call(u.token, "PATCH", `/api/links/${body.link.id}`, { title: "New", tags: ["c"], expires_at: null, password: null });
    expect(r.status).toBe(200);
    expect(r.body.link).toMatchObject({ title: "New", tags: ["c"], expires_at: null, has_password: false, long_url: "https://e.example" });
    expect(r.body.link.updated_at >= body.link.updated_at).toBe(true);
  });

  test("PATCH takes effect on the redirect at once", async () => {
    const k = testApp();
    const u = await k.user();
    const { body } = await k.create(u.token, { long_url: "https://old.example", alias: "moving" });
    expect((await k.handle("/moving")).headers.get("location")).toBe("https://old.example/");
    await k.call(u.token, "PATCH", `/api/links/${body.link.id}`, { long_url: "https://new.example" });
    expect((await k.handle("/moving")).headers.get("location")).toBe("https://new.example/");
    await k.call(u.token, "PATCH", `/api/links/${body.link.id}`, { disabled: true });
    expect((await k.handle("/moving")).status).toBe(404);
    await k.call(u.token, "PATCH", `/api/links/${body.link.id}`, { disabled: false, alias: "moved" });
    expect((await k.handle("/moving")).status).toBe(404);
    expect((await k.handle("/moved")).status).toBe(302);
  });

  test("PATCH validates like create, and clearing the alias falls back to the hash", async () => {
    const k = testApp();
    const u = await k.user();
    await k.create(u.token, { long_url: "https://taken.example", alias: "taken" });
    const { body } = await k.create(u.token, { long_url: "https://e.example", alias: "mine" });
    const id = body.link.id;
    expect((await k.call(u.token, "PATCH", `/api/links/${id}`, { long_url: "javascript:x" })).body.messages.long_url).toBeArray();
    expect((await k.call(u.token, "PATCH", `/api/links/${id}`, { long_url: null })).status).toBe(422);
    expect((await k.call(u.token, "PATCH", `/api/links/${id}`, { alias: "taken" })).body.messages.alias).toEqual(["This alias is already taken."]);
    expect((await k.call(u.token, "PATCH", `/api/links/${id}`, { rules: [{ type: "geo", key: "zz", value: "https://a.example" }] })).body.messages["rules.0.key"]).toBeArray();
    expect((await k.call(u.token, "PATCH", `/api/links/${id}`, { multiple_urls: ["https://a.example"] })).status).toBe(200);
    const cleared = await k.call(u.token, "PATCH", `/api/links/${id}`, { alias: null });
    expect(cleared.body.link.alias).toBeNull();
    expect(cleared.body.link.short_url).toBe(`http://localhost:8080/${body.link.hash}`);
    expect((await k.handle(`/${body.link.hash}`)).status).toBe(302);
    expect((await k.handle("/mine")).status).toBe(404);    await k.call(u.token, "PATCH", `/api/links/${id}`, { alias: "mine" });
    expect((await k.call(u.token, "PATCH", `/api/links/${id}`, { alias: "" })).body.link.alias).toBeNull();
    expect((await k.handle("/mine")).status).toBe(404);
  });

  test("PATCH and DELETE of someone else's link are 404 and change nothing", async () => {
    const k = testApp();
    const u = await k.user();
    const other = await k.user();
    const { body } = await k.create(u.token, { long_url: "https://e.example" });
    expect((await k.call(other.token, "PATCH", `/api/links/${body.link.id}`, { title: "hijack" })).status).toBe(404);
    expect((await k.call(other.token, "DELETE", `/api/links/${body.link.id}`)).status).toBe(404);
    expect((await k.call(u.token, "GET", `/api/links/${body.link.id}`)).body.link.title).toBeNull();
  });

  test("DELETE removes the link and frees its slug at once", async () => {
    const k = testApp();
    const u = await k.user();
    const { body } = await k.create(u.token, { long_url: "https://e.example", alias: "reuse" });
    await k.handle("/reuse");
    expect((await k.call(u.token, "DELETE", `/api/links/${body.link.id}`)).body).toEqual({ status: "success" });
    expect((await k.handle("/reuse")).status).toBe(404);
    expect((await k.create(u.token, { long_url: "https://f.example", alias: "reuse" })).status).toBe(200);
    expect((await k.handle("/reuse")).headers.get("location")).toBe("https://f.example/");
  });
});

describe("GET /api/links/lookup", () => {
  test("finds a link by its short URL as shared, on the default host or a custom domain, or by slug", async () => {
    const k = testApp();
    const u = await k.user();
    const d = (await k.call(u.token, "POST", "/api/domains", { host: "go.example.com" })).body.domain;
    const plain = (await k.create(u.token, { long_url: "https://example.com/plain" })).body.link;
    const onDefault = (await k.create(u.token, { long_url: "https://example.com/default", alias: "promo" })).body.link;
    const onDomain = (await k.create(u.token, { long_url: "https://example.com/custom", alias: "promo", domain_id: d.id })).body.link;
    const find = (query: string) => k.call(u.token, "GET", `/api/links/lookup?${query}`);
    const cases: [string, number][] = [
      [`short_url=${encodeURIComponent(plain.short_url)}`, plain.id],
      ["short_url=http://localhost:8080/promo", onDefault.id],
      ["short_url=https://go.example.com/promo", onDomain.id],
      ["short_url=HTTPS://GO.EXAMPLE.COM./promo/?utm_source=x", onDomain.id],
      ["short_url=https://go.example.com/promo%2B", onDomain.id],
      ["short_url=https://go.example.com/promo+", onDomain.id],
      ["short_url=https://another-host.example/promo", onDefault.id], // any other host is the default domain, as for visits
      ["slug=promo", onDefault.id],
      [`slug=promo&domain_id=${d.id}`, onDomain.id],
    ];
    for (const [query, id] of cases) {
      const r = await find(query);
      expect([query, r.status, r.body.link?.id]).toEqual([query, 200, id]);
    }
    const r = await find("slug=promo");
    expect(r.body.link).toMatchObject({ long_url: "https://example.com/default", short_url: "http://localhost:8080/promo", clicks: 0 });
  });

  test("with --append-extra-path, a short URL with more path after the slug names the slug's link, as a visit would", async () => {
    const on = testApp({ config: { appendExtraPath: true } });
    const u = await on.user();
    const link = (await on.create(u.token, { long_url: "https://docs.example/", alias: "handbook" })).body.link;
    expect((await on.call(u.token, "GET", "/api/links/lookup?short_url=http://localhost:8080/handbook/guide/install")).body.link.id).toBe(link.id);
    const off = testApp();
    const v = await off.user();
    await off.create(v.token, { long_url: "https://docs.example/", alias: "handbook" });
    expect((await off.call(v.token, "GET", "/api/links/lookup?short_url=http://localhost:8080/handbook/guide/install")).status).toBe(404);
  });

  test("someone else's link, an unknown one and a URL that is no short URL are 404 or 422 in the seed's shape; admins find any", async () => {
    const k = testApp();
    const owner = await k.user();
    const other = await k.user();
    const admin = await k.user({ admin: true });
    const link = (await k.create(owner.token, { long_url: "https://example.com/mine", alias: "mine" })).body.link;
    const find = (token: string, query: string) => k.call(token, "GET", `/api/links/lookup?${query}`);
    expect(await find(other.token, "slug=mine")).toEqual({ status: 404, body: { status: "error", messages: { slug: ["No link of yours has this short URL."] } } });
    expect((await find(admin.token, "slug=mine")).body.link.id).toBe(link.id);
    expect(await find(owner.token, "short_url=http://localhost:8080/nothing")).toEqual({ status: 404, body: { status: "error", messages: { short_url: ["No link of yours has this short URL."] } } });
    for (const query of ["short_url=http://localhost:8080/a/b", "short_url=http://localhost:8080/", "slug=has%20space", "slug="]) {
      expect([query, (await find(owner.token, query)).status]).toEqual([query, 404]);
    }
    expect(await find(owner.token, "short_url=ftp://localhost/mine")).toEqual({ status: 422, body: { status: "error", messages: { short_url: ["This is not a short URL (http or https)."] } } });
    const neither = { status: 422, body: { status: "error", messages: { short_url: ["Give either short_url, or slug (with domain_id for a custom domain)."] } } };
    expect(await find(owner.token, "")).toEqual(neither);
    expect(await find(owner.token, "slug=mine&short_url=http://localhost:8080/mine")).toEqual(neither);
    expect((await find(owner.token, "slug=mine&domain_id=0")).status).toBe(422);
    expect((await k.handle("/api/links/lookup?slug=mine")).status).toBe(401);
  });
});

describe("GET /api/links sorted", () => {
  test("by clicks (most first, bots left out, added up or not yet), title, slug or age, either way; ties newest first", async () => {
    const k = testApp();
    const u = await k.user();
    const make = async (body: object) => (await k.create(u.token, body)).body.link;
    await make({ long_url: "https://example.com/a", alias: "apple", title: "banana split" });
    await make({ long_url: "https://example.com/b", alias: "cherry", title: "Apple pie" });
    await make({ long_url: "https://example.com/c", alias: "banana" });
    await make({ long_url: "https://example.com/d", alias: "Blueberry" });
    for (let i = 0; i < 3; i++) await k.handle("/cherry", { headers: BROWSER });
    await k.handle("/apple", { headers: BROWSER });
    for (let i = 0; i < 5; i++) await k.handle("/banana", { headers: { "user-agent": "Googlebot/2.1" } });
    await k.deps.clicks.flush(); // written, not added up yet
    const ids = async (query: string) => {
      const r = await k.call(u.token, "GET", `/api/links?${query}`);
      expect(r.status).toBe(200);
      return r.body.links.map((l: any) => [l.alias, l.clicks]);
    };
    expect(await ids("sort=clicks")).toEqual([["cherry", 3], ["apple", 1], ["Blueberry", 0], ["banana", 0]]);
    await k.deps.clicks.foldAll();
    expect(await ids("sort=clicks")).toEqual([["cherry", 3], ["apple", 1], ["Blueberry", 0], ["banana", 0]]);
    expect(await ids("sort=clicks&order=asc")).toEqual([["banana", 0], ["Blueberry", 0], ["apple", 1], ["cherry", 3]]);
    expect(await ids("sort=title")).toEqual([["banana", 0], ["Blueberry", 0], ["cherry", 3], ["apple", 1]]); // untitled first, then case-insensitive
    expect(await ids("sort=slug")).toEqual([["apple", 1], ["banana", 0], ["Blueberry", 0], ["cherry", 3]]);
    expect(await ids("sort=slug&order=desc&per_page=1&page=2")).toEqual([["Blueberry", 0]]);
    expect(await ids("sort=created_at&order=asc")).toEqual([["apple", 1], ["cherry", 3], ["banana", 0], ["Blueberry", 0]]);
    expect(await ids("")).toEqual([["Blueberry", 0], ["banana", 0], ["cherry", 3], ["apple", 1]]);
    // Clicks since the last fold count at once: some added up, some not.
    for (let i = 0; i < 3; i++) await k.handle("/apple", { headers: BROWSER });
    await k.deps.clicks.flush();
    expect(await ids("sort=clicks")).toEqual([["apple", 4], ["cherry", 3], ["Blueberry", 0], ["banana", 0]]);
  });

  test("an unknown sort or order is a 422 naming it", async () => {
    const k = testApp();
    const u = await k.user();
    expect(await k.call(u.token, "GET", "/api/links?sort=popularity")).toEqual({ status: 422, body: { status: "error", messages: { sort: ["The sort must be one of created_at, clicks, title, slug."] } } });
    expect(await k.call(u.token, "GET", "/api/links?sort=clicks&order=up")).toEqual({ status: 422, body: { status: "error", messages: { order: ["The order must be asc or desc."] } } });
  });
});
