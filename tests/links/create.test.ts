import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { linkPixels, links, linkTags, rules, tags } from "../../src/db/schema";
import { testApp } from "../support/app";

const seedKeys = ["type", "title", "description", "hash", "long_url", "expires_at", "disabled", "user_id", "domain_id",
  "alias", "has_password", "updated_at", "created_at", "id", "short_url"];

describe("POST /api/links/create — success", () => {
  test("a long_url answers the seed's shape with every key and type", async () => {
    const k = testApp();
    const u = await k.user();
    const { status, body } = await k.create(u.token, { long_url: "https://google.com" });
    expect(status).toBe(200);
    expect(body.status).toBe("success");
    for (const key of seedKeys) expect(body.link).toHaveProperty(key);
    const link = body.link;
    expect(link.type).toBe("direct");
    expect(link.hash).toMatch(/^[0-9A-Za-z]{6}$/);
    expect(link.alias).toBeNull();
    expect(link.long_url).toBe("https://google.com");
    expect(link.short_url).toBe(`http://localhost:8080/${link.hash}`);
    expect(link.expires_at).toBeNull();
    expect(link.disabled).toBe(false);
    expect(link.has_password).toBe(false);
    expect(link.user_id).toBe(u.id);
    expect(link.domain_id).toBeNull();
    expect(typeof link.id).toBe("number");
    expect(link.created_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(link.updated_at).toBe(link.created_at);
    expect(link.tags).toEqual([]);
    expect(link.pixels).toEqual([]);
    expect(link.rules).toEqual([]);
  });

  test("the link is stored in the database", async () => {
    const k = testApp();
    const u = await k.user();
    const { body } = await k.create(u.token, { long_url: "https://example.com/a" });
    const row = k.db.select().from(links).where(eq(links.id, body.link.id)).get();
    expect(row?.longUrl).toBe("https://example.com/a");
    expect(row?.slug).toBe(body.link.hash);
  });

  test("the token may be given as ?api_token= as in the seed", async () => {
    const k = testApp();
    const u = await k.user();
    const r = await k.handle(`/api/links/create?api_token=${u.token}`, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ long_url: "https://google.com" }),
    });
    expect(r.status).toBe(200);
    expect((await r.json()).link.long_url).toBe("https://google.com");
  });

  test("an alias becomes the short URL's path", async () => {
    const k = testApp();
    const u = await k.user();
    const { body } = await k.create(u.token, { long_url: "https://google.com", alias: "my-Link_1" });
    expect(body.link.alias).toBe("my-Link_1");
    expect(body.link.short_url).toBe("http://localhost:8080/my-Link_1");
  });

  test("KURZ_SLUG_LENGTH sets the length of the random hash", async () => {
    const k = testApp({ config: { slugLength: 9 } });
    const u = await k.user();
    const { body } = await k.create(u.token, { long_url: "https://google.com" });
    expect(body.link.hash).toMatch(/^[0-9A-Za-z]{9}$/);
  });

  test("a hash that collides with an existing slug is retried", async () => {
    const hashes = ["AAAAAA", "AAAAAA", "BBBBBB"];
    const k = testApp({ deps: { makeHash: () => hashes.shift() ?? "CCCCCC" } });
    const u = await k.user();
    const first = await k.create(u.token, { long_url: "https://a.example" });
    const second = await k.create(u.token, { long_url: "https://b.example" });
    expect(first.body.link.hash).toBe("AAAAAA");
    expect(second.status).toBe(200);
    expect(second.body.link.hash).toBe("BBBBBB");
  });

  test("multiple_urls answers `links`, one per URL, in order", async () => {
    const k = testApp();
    const u = await k.user();
    const urls = ["https://a.example", "https://b.example/x", "http://c.example"];
    const { status, body } = await k.create(u.token, { multiple_urls: urls, tags: ["bulk"] });
    expect(status).toBe(200);
    expect(body.link).toBeUndefined();
    expect(body.links.map((l: any) => l.long_url)).toEqual(urls);
    expect(new Set(body.links.map((l: any) => l.hash)).size).toBe(3);
    for (const l of body.links) expect(l.tags).toEqual(["bulk"]);
  });

  test("password is stored as an argon2id hash and never returned", async () => {
    const k = testApp();
    const u = await k.user();
    const { body } = await k.create(u.token, { long_url: "https://google.com", password: "s3cret" });
    expect(body.link.has_password).toBe(true);
    expect(JSON.stringify(body)).not.toContain("s3cret");
    const row = k.db.select().from(links).where(eq(links.id, body.link.id)).get()!;
    expect(row.passwordHash).toStartWith("$argon2id$");
    expect(await Bun.password.verify("s3cret", row.passwordHash!)).toBe(true);
  });

  test("title, description and disabled are stored and echoed", async () => {
    const k = testApp();
    const u = await k.user();
    const { body } = await k.create(u.token, {
      long_url: "https://google.com", title: "  Google  ", description: "Search <b>things</b>", disabled: true,
    });
    expect(body.link.title).toBe("Google");
    expect(body.link.description).toBe("Search <b>things</b>");
    expect(body.link.disabled).toBe(true);
  });

  test("tags are trimmed, de-duplicated and kept in order", async () => {
    const k = testApp();
    const u = await k.user();
    const { body } = await k.create(u.token, { long_url: "https://google.com", tags: [" news ", "tech", "news", "Tech"] });
    expect(body.link.tags).toEqual(["news", "tech", "Tech"]);
    const repeated = await k.create(u.token, { long_url: "https://google.com", tags: [...Array.from({ length: 20 }, (_, i) => `t${i}`), " t0 ", "t1"] });
    expect(repeated.status).toBe(200);
    expect(repeated.body.link.tags).toHaveLength(20);
    const stored = k.db.select({ name: tags.name }).from(linkTags).innerJoin(tags, eq(tags.id, linkTags.tagId))
      .where(eq(linkTags.linkId, body.link.id)).orderBy(linkTags.position).all();
    expect(stored.map((t) => t.name)).toEqual(["news", "tech", "Tech"]);
  });

  test("a tag used by two links is stored once per user", async () => {
    const k = testApp();
    const u = await k.user();
    await k.create(u.token, { long_url: "https://a.example", tags: ["x"] });
    await k.create(u.token, { long_url: "https://b.example", tags: ["x"] });
    expect(k.db.select().from(tags).where(eq(tags.name, "x")).all()).toHaveLength(1);
  });

  test("expires_at takes the seed's format (UTC) and ISO 8601 with a zone", async () => {
    const k = testApp();
    const u = await k.user();
    const plain = await k.create(u.token, { long_url: "https://google.com", expires_at: "2099-08-23 13:24:00" });
    expect(plain.body.link.expires_at).toBe("2099-08-23 13:24:00");
    const zoned = await k.create(u.token, { long_url: "https://google.com", expires_at: "2099-08-23T15:24:00+02:00" });
    expect(zoned.body.link.expires_at).toBe("2099-08-23 13:24:00");
    const last = await k.create(u.token, { long_url: "https://google.com", expires_at: "9999-12-31T23:59:59Z" });
    expect(last.body.link.expires_at).toBe("9999-12-31 23:59:59");
  });

  test("rules are stored in order with geo keys lower-cased", async () => {
    const k = testApp();
    const u = await k.user();
    const input = [
      { key: "RU", value: "https://destination.ru", type: "geo" },
      { key: "phone", value: "https://bing.com", type: "device" },
      { key: "tv", value: "https://tv.example", type: "device" },
    ];
    const { body } = await k.create(u.token, { long_url: "https://google.com", rules: input });
    expect(body.link.rules).toEqual([
      { type: "geo", key: "ru", value: "https://destination.ru" },
      { type: "device", key: "phone", value: "https://bing.com" },
      { type: "device", key: "tv", value: "https://tv.example" },
    ]);
    const stored = k.db.select().from(rules).where(eq(rules.linkId, body.link.id)).orderBy(rules.position).all();
    expect(stored.map((r) => r.key)).toEqual(["ru", "phone", "tv"]);
  });

  test("pixels the user owns are attached", async () => {
    const k = testApp();
    const u = await k.user();
    const p1 = await k.deps.pixels.insert({ userId: u.id, name: "fb", type: "facebook", pixelId: "123456789012345", createdAt: new Date() });
    const p2 = await k.deps.pixels.insert({ userId: u.id, name: "ga", type: "google_analytics", pixelId: "G-ABC123", createdAt: new Date() });
    const { status, body } = await k.create(u.token, { long_url: "https://google.com", pixels: [p2.id, p1.id, p2.id] });
    expect(status).toBe(200);
    expect(body.link.pixels).toEqual([p1.id, p2.id]);
    expect(k.db.select().from(linkPixels).where(eq(linkPixels.linkId, body.link.id)).all()).toHaveLength(2);
  });

  test("a custom domain the user owns gives an https short URL on that host", async () => {
    const k = testApp();
    const u = await k.user();
    const d = await k.deps.domains.insert({ userId: u.id, host: "go.example.com", createdAt: new Date() });
    const { body } = await k.create(u.token, { long_url: "https://google.com", alias: "promo", domain_id: d.id });
    expect(body.link.domain_id).toBe(d.id);
    expect(body.link.short_url).toBe("https://go.example.com/promo");
  });

  test("the same alias may exist on two domains", async () => {
    const k = testApp();
    const u = await k.user();
    const d = await k.deps.domains.insert({ userId: u.id, host: "go.example.com", createdAt: new Date() });
    expect((await k.create(u.token, { long_url: "https://a.example", alias: "same" })).status).toBe(200);
    expect((await k.create(u.token, { long_url: "https://b.example", alias: "same", domain_id: d.id })).status).toBe(200);
  });

  test("null fields count as not given, and unknown fields are ignored", async () => {
    const k = testApp();
    const u = await k.user();
    const { status, body } = await k.create(u.token, {
      long_url: "https://google.com", alias: null, title: null, tags: null, expires_at: null, whatever: { a: 1 },
    });
    expect(status).toBe(200);
    expect(body.link.alias).toBeNull();
    expect(body.link).not.toHaveProperty("whatever");
  });

  test("an empty alias means none, as in the seed: the link gets its random hash", async () => {
    const k = testApp();
    const u = await k.user();
    const { status, body } = await k.create(u.token, { long_url: "https://google.com", alias: "  " });
    expect(status).toBe(200);
    expect(body.link.alias).toBeNull();
    expect(body.link.short_url).toBe(`http://localhost:8080/${body.link.hash}`);
    expect((await k.handle(`/${body.link.hash}`)).headers.get("location")).toBe("https://google.com/");
    const many = await k.create(u.token, { multiple_urls: ["https://a.example", "https://b.example"], alias: "" });
    expect(many.status).toBe(200);
    expect(many.body.links.map((l: { alias: string | null }) => l.alias)).toEqual([null, null]);
  });

  test("a body sent without a JSON Content-Type is still read as JSON", async () => {
    const k = testApp();
    const u = await k.user();
    const r = await k.handle("/api/links/create", {
      method: "POST", headers: { authorization: `Bearer ${u.token}`, "content-type": "text/plain" },
      body: JSON.stringify({ long_url: "https://google.com" }),
    });
    expect(r.status).toBe(200);
  });

  test("the created link is answered exactly as reading it back answers it", async () => {
    const k = testApp();
    const u = await k.user();
    const d = await k.deps.domains.insert({ userId: u.id, host: "go.example.com", createdAt: new Date() });
    const p1 = await k.deps.pixels.insert({ userId: u.id, name: "fb", type: "facebook", pixelId: "123456789012345", createdAt: new Date() });
    const p2 = await k.deps.pixels.insert({ userId: u.id, name: "ga", type: "google_analytics", pixelId: "G-ABC123", createdAt: new Date() });
    await k.create(u.token, { long_url: "https://a.example", tags: ["b"] }); // "b" exists before the create below
    const full = {
      long_url: " https://example.com/full?x=1 ", alias: "full", domain_id: d.id, password: "secret", disabled: true,
      title: " A title ", description: "A description", tags: ["a", "b", " a "], expires_at: "2099-01-02 03:04:05",
      pixels: [p2.id, p1.id], rules: [{ type: "geo", key: "DE", value: "https://de.example" }, { type: "device", key: "phone", value: "https://m.example" }],
    };
    for (const body of [full, { long_url: "https://example.com/plain" }]) {
      const created = await k.create(u.token, body);
      expect(created.status).toBe(200);
      const read = await k.call(u.token, "GET", `/api/links/${created.body.link.id}`);
      expect(created.body.link).toEqual(read.body.link);
    }
  });

  test("multiple_urls answers each link exactly as reading it back answers it", async () => {
    const k = testApp();
    const u = await k.user();
    const { body } = await k.create(u.token, {
      multiple_urls: ["https://a.example", "https://b.example"], tags: ["x", "y"], expires_at: "2099-01-02 03:04:05",
    });
    for (const link of body.links) expect(link).toEqual((await k.call(u.token, "GET", `/api/links/${link.id}`)).body.link);
  });
});

describe("POST /api/links/create — validation (422, one key per bad field)", () => {
  const invalid: [string, unknown, string][] = [
    ["long_url", { long_url: "not a url" }, "long_url"],
    ["long_url javascript:", { long_url: "javascript:alert(1)" }, "long_url"],
    ["long_url data:", { long_url: "data:text/html,<script>alert(1)</script>" }, "long_url"],
    ["long_url ftp:", { long_url: "ftp://example.com/file" }, "long_url"],
    ["long_url with CR/LF", { long_url: "https://example.com/\r\nSet-Cookie: a=b" }, "long_url"],
    ["long_url with NUL", { long_url: "https://example.com/\u0000" }, "long_url"],
    ["long_url too long", { long_url: `https://example.com/${"a".repeat(2048)}` }, "long_url"],
    ["long_url relative", { long_url: "/just/a/path" }, "long_url"],
    ["long_url of the wrong type", { long_url: 42 }, "long_url"],
    ["neither long_url nor multiple_urls", { title: "x" }, "long_url"],
    ["both long_url and multiple_urls", { long_url: "https://a.example", multiple_urls: ["https://b.example"] }, "multiple_urls"],
    ["multiple_urls empty", { multiple_urls: [] }, "multiple_urls"],
    ["multiple_urls over 100", { multiple_urls: Array.from({ length: 101 }, (_, i) => `https://e.example/${i}`) }, "multiple_urls"],
    ["multiple_urls not an array", { multiple_urls: "https://a.example" }, "multiple_urls"],
    ["multiple_urls item", { multiple_urls: ["https://a.example", "https://b.example", "https://c.example", "nope"] }, "multiple_urls.3"],
    ["alias with a slash", { long_url: "https://a.example", alias: "a/b" }, "alias"],
    ["alias with a space", { long_url: "https://a.example", alias: "a b" }, "alias"],
    ["alias too long", { long_url: "https://a.example", alias: "a".repeat(65) }, "alias"],
    ["alias reserved", { long_url: "https://a.example", alias: "api" }, "alias"],
    ["alias reserved in any case", { long_url: "https://a.example", alias: "Admin" }, "alias"],
    ["alias reserved swagger", { long_url: "https://a.example", alias: "swagger" }, "alias"],
    ["alias reserved healthz", { long_url: "https://a.example", alias: "healthz" }, "alias"],
    ["alias with multiple_urls", { multiple_urls: ["https://a.example"], alias: "x" }, "alias"],
    ["domain_id not a number", { long_url: "https://a.example", domain_id: "one" }, "domain_id"],
    ["domain_id that does not exist", { long_url: "https://a.example", domain_id: 999 }, "domain_id"],
    ["password empty", { long_url: "https://a.example", password: "" }, "password"],
    ["password too long", { long_url: "https://a.example", password: "p".repeat(256) }, "password"],
    ["disabled not a boolean", { long_url: "https://a.example", disabled: "yes" }, "disabled"],
    ["title too long", { long_url: "https://a.example", title: "t".repeat(256) }, "title"],
    ["description too long", { long_url: "https://a.example", description: "d".repeat(1001) }, "description"],
    ["tags not an array", { long_url: "https://a.example", tags: "news" }, "tags"],
    ["tags over 20", { long_url: "https://a.example", tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, "tags"],
    ["tags over 100 entries", { long_url: "https://a.example", tags: Array.from({ length: 101 }, () => "t") }, "tags"],
    ["tag blank", { long_url: "https://a.example", tags: ["ok", "   "] }, "tags.1"],
    ["tag too long", { long_url: "https://a.example", tags: ["x".repeat(51)] }, "tags.0"],
    ["expires_at not a date", { long_url: "https://a.example", expires_at: "tomorrow" }, "expires_at"],
    ["expires_at impossible date", { long_url: "https://a.example", expires_at: "2099-02-30 10:00:00" }, "expires_at"],
    ["expires_at in the past", { long_url: "https://a.example", expires_at: "2020-01-01 00:00:00" }, "expires_at"],
    ["expires_at in ISO 8601 without a zone", { long_url: "https://a.example", expires_at: "2030-01-01T02:00:00" }, "expires_at"],
    ["expires_at past 9999 in UTC", { long_url: "https://a.example", expires_at: "9999-12-31T23:59:59-18:00" }, "expires_at"],
    ["pixels not ids", { long_url: "https://a.example", pixels: ["x"] }, "pixels.0"],
    ["pixel that does not exist", { long_url: "https://a.example", pixels: [12345] }, "pixels.0"],
    ["rules not an array", { long_url: "https://a.example", rules: "geo" }, "rules"],
    ["rules item not an object", { long_url: "https://a.example", rules: ["geo"] }, "rules.0"],
    ["rules over 50", { long_url: "https://a.example", rules: Array.from({ length: 51 }, () => ({ type: "device", key: "tv", value: "https://a.example" })) }, "rules"],
    ["rule type unknown", { long_url: "https://a.example", rules: [{ type: "planet", key: "mars", value: "https://a.example" }] }, "rules.0.type"],
    ["geo rule with a non-country", { long_url: "https://a.example", rules: [{ type: "geo", key: "zz", value: "https://a.example" }] }, "rules.0.key"],
    ["geo rule with a 3-letter code", { long_url: "https://a.example", rules: [{ type: "geo", key: "rus", value: "https://a.example" }] }, "rules.0.key"],
    ["device rule with an unknown device", { long_url: "https://a.example", rules: [{ type: "device", key: "watch", value: "https://a.example" }] }, "rules.0.key"],
    ["rule value not a url", { long_url: "https://a.example", rules: [{ type: "device", key: "phone", value: "javascript:alert(1)" }] }, "rules.0.value"],
    ["second rule missing its key", { long_url: "https://a.example", rules: [{ type: "device", key: "phone", value: "https://a.example" }, { type: "geo", value: "https://a.example" }] }, "rules.1.key"],
  ];

  for (const [name, body, field] of invalid) {
    test(`${name} is refused under "${field}"`, async () => {
      const k = testApp();
      const u = await k.user();
      const r = await k.create(u.token, body);
      expect(r.status).toBe(422);
      expect(r.body.status).toBe("error");
      expect(r.body.messages[field]).toBeArray();
      for (const message of r.body.messages[field]) expect(message).toMatch(/^[A-Z].{5,}/);
      expect(k.db.select().from(links).all()).toHaveLength(0);
    });
  }

  test("every bad field is reported at once", async () => {
    const k = testApp();
    const u = await k.user();
    const r = await k.create(u.token, { long_url: "nope", alias: "a b", expires_at: "soon", rules: [{ type: "geo", key: "xx", value: "https://a.example" }] });
    expect(r.status).toBe(422);
    expect(Object.keys(r.body.messages).sort()).toEqual(["alias", "expires_at", "long_url", "rules.0.key"]);
  });

  test("an invalid url is reported with the seed's message", async () => {
    const k = testApp();
    const u = await k.user();
    const r = await k.create(u.token, { long_url: "not a url" });
    expect(r.body).toEqual({ status: "error", messages: { long_url: ["This url is not valid."] } });
  });

  test("a field of the wrong type is reported together with every other bad field, in one answer", async () => {
    const k = testApp();
    const u = await k.user();
    const r = await k.create(u.token, { long_url: "ftp://x", alias: "a b", expires_at: "soon", tags: "x", rules: [{ type: "os", key: "x", value: "https://a.example" }] });
    expect(r.status).toBe(422);
    expect(Object.keys(r.body.messages).sort()).toEqual(["alias", "expires_at", "long_url", "rules.0.type", "tags"]);
    // multiple_urls of the wrong type: reported as such, and no "long_url is required".
    const many = await k.create(u.token, { multiple_urls: "https://a.example", alias: "x y" });
    expect(Object.keys(many.body.messages).sort()).toEqual(["alias", "multiple_urls"]);
    const { body } = await k.create(u.token, { long_url: "https://a.example" });
    const patch = await k.call(u.token, "PATCH", `/api/links/${body.link.id}`, { title: 5, long_url: "javascript:x" });
    expect(Object.keys(patch.body.messages).sort()).toEqual(["long_url", "title"]);
  });

  test("a field of the wrong type gets a message that fits it", async () => {
    const k = testApp();
    const u = await k.user();
    const r = await k.create(u.token, { long_url: "https://a.example", title: 123, password: 123, expires_at: 12345 });
    expect(r.status).toBe(422);
    expect(r.body.messages).toEqual({
      title: ["The title must be text of at most 255 characters."],
      password: ["The password must be text of 1 to 255 characters."],
      expires_at: ["The expires_at field must be a date like 2030-12-31 23:59:59 (UTC) or ISO 8601 with a zone."],
    });
  });

  test("a taken alias is refused with 422", async () => {
    const k = testApp();
    const u = await k.user();
    const other = await k.user();
    expect((await k.create(u.token, { long_url: "https://a.example", alias: "taken" })).status).toBe(200);
    const r = await k.create(other.token, { long_url: "https://b.example", alias: "taken" });
    expect(r.status).toBe(422);
    expect(r.body.messages.alias).toEqual(["This alias is already taken."]);
  });

  test("multiple_urls with one bad URL creates nothing", async () => {
    const k = testApp();
    const u = await k.user();
    const r = await k.create(u.token, { multiple_urls: ["https://a.example", "https://b.example", "bad"] });
    expect(r.status).toBe(422);
    expect(Object.keys(r.body.messages)).toEqual(["multiple_urls.2"]);
    expect(k.db.select().from(links).all()).toHaveLength(0);
  });

  test("multiple_urls rolls back every link when one insert fails", async () => {
    let n = 0;
    const k = testApp({ deps: { makeHash: () => { if (++n === 3) throw new Error("boom"); return `hash${n}x`; } } });
    const u = await k.user();
    const r = await k.create(u.token, { multiple_urls: ["https://a.example", "https://b.example", "https://c.example"] });
    expect(r.status).toBe(500);
    expect(k.db.select().from(links).all()).toHaveLength(0);
  });

  test("when random hashes keep colliding, a longer hash is used instead of failing", async () => {
    const k = testApp({ deps: { makeHash: () => "SAMEhs" } });
    const u = await k.user();
    expect((await k.create(u.token, { long_url: "https://first.example" })).body.link.hash).toBe("SAMEhs");
    const r = await k.create(u.token, { long_url: "https://second.example" });
    expect(r.status).toBe(200);
    expect(r.body.link.hash).toBe("SAMEhsSA");
  });
});

describe("POST /api/links/create — ownership (403)", () => {
  test("someone else's domain is refused with 403", async () => {
    const k = testApp();
    const owner = await k.user();
    const other = await k.user();
    const d = await k.deps.domains.insert({ userId: owner.id, host: "owner.example", createdAt: new Date() });
    const r = await k.create(other.token, { long_url: "https://a.example", domain_id: d.id });
    expect(r.status).toBe(403);
    expect(r.body.messages.domain_id).toBeArray();
    expect(k.db.select().from(links).all()).toHaveLength(0);
  });

  test("someone else's pixel is refused with 403", async () => {
    const k = testApp();
    const owner = await k.user();
    const other = await k.user();
    const p = await k.deps.pixels.insert({ userId: owner.id, name: "fb", type: "facebook", pixelId: "1234567890", createdAt: new Date() });
    const r = await k.create(other.token, { long_url: "https://a.example", pixels: [p.id] });
    expect(r.status).toBe(403);
    expect(r.body.messages["pixels.0"]).toBeArray();
  });

  test("an admin may use any user's domain", async () => {
    const k = testApp();
    const owner = await k.user();
    const admin = await k.user({ admin: true });
    const d = await k.deps.domains.insert({ userId: owner.id, host: "owner.example", createdAt: new Date() });
    expect((await k.create(admin.token, { long_url: "https://a.example", domain_id: d.id })).status).toBe(200);
  });
});

describe("POST /api/links/create — find_if_exists", () => {
  const BROWSER = { "user-agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36" };
  const rows = (k: ReturnType<typeof testApp>) => k.db.select().from(links).all();

  test("answers the user's newest link to the same destination, with its clicks, instead of making another; without it, a new link", async () => {
    const k = testApp();
    const u = await k.user();
    const first = (await k.create(u.token, { long_url: "https://example.com/post" })).body.link;
    await k.handle(`/${first.hash}`, { headers: BROWSER });
    await k.deps.clicks.flush();
    const again = await k.create(u.token, { long_url: " https://example.com/post ", find_if_exists: true, title: "ignored", tags: ["new"] });
    expect(again.status).toBe(200);
    expect(again.body.link).toEqual({ ...first, clicks: 1 });
    expect(rows(k)).toHaveLength(1);
    expect((await k.create(u.token, { long_url: "https://example.com/post" })).body.link.id).not.toBe(first.id);
    const newest = rows(k).at(-1)!.id;
    expect((await k.create(u.token, { long_url: "https://example.com/post", find_if_exists: true })).body.link.id).toBe(newest);
    expect((await k.create(u.token, { long_url: "https://example.com/post", find_if_exists: false })).body.link.id).toBeGreaterThan(newest);
  });

  test("with an alias: the same alias to the same destination is answered (no 422); taken by another destination it is the usual 422", async () => {
    const k = testApp();
    const u = await k.user();
    const made = (await k.create(u.token, { long_url: "https://example.com/a", alias: "launch" })).body.link;
    expect((await k.create(u.token, { long_url: "https://example.com/a", alias: "launch", find_if_exists: true })).body.link.id).toBe(made.id);
    const taken = await k.create(u.token, { long_url: "https://example.com/b", alias: "launch", find_if_exists: true });
    expect([taken.status, Object.keys(taken.body.messages)]).toEqual([422, ["alias"]]);
    const other = await k.create(u.token, { long_url: "https://example.com/a", alias: "launch-2", find_if_exists: true });
    expect([other.status, other.body.link.alias]).toEqual([200, "launch-2"]);
    expect(rows(k)).toHaveLength(2);
  });

  test("multiple_urls: each URL found or made, in the order given", async () => {
    const k = testApp();
    const u = await k.user();
    const a = (await k.create(u.token, { long_url: "https://example.com/a" })).body.link;
    const c = (await k.create(u.token, { long_url: "https://example.com/c" })).body.link;
    const r = await k.create(u.token, { multiple_urls: ["https://example.com/a", "https://example.com/b", "https://example.com/c"], find_if_exists: true });
    expect(r.body.links.map((l: any) => l.long_url)).toEqual(["https://example.com/a", "https://example.com/b", "https://example.com/c"]);
    expect(r.body.links[0].id).toBe(a.id);
    expect(r.body.links[2].id).toBe(c.id);
    expect(rows(k)).toHaveLength(3);
    // A URL given twice is one link, found or made.
    const twice = await k.create(u.token, { multiple_urls: ["https://example.com/d", "https://example.com/a", "https://example.com/d"], find_if_exists: true });
    expect(twice.body.links.map((l: any) => l.id)).toEqual([twice.body.links[0].id, a.id, twice.body.links[0].id]);
    expect(rows(k)).toHaveLength(4);
  });

  test("never answers someone else's link, one on another domain, or one that is disabled or has an expiry, a password, rules or pixels", async () => {
    let now = new Date("2030-01-01T00:00:00Z");
    const k = testApp({ deps: { now: () => now } });
    const u = await k.user();
    const other = await k.user();
    const domain = (await k.call(u.token, "POST", "/api/domains", { host: "go.example.com" })).body.domain;
    const pixel = (await k.call(u.token, "POST", "/api/pixels", { name: "fb", type: "facebook", pixel_id: "123456789012345" })).body.pixel;
    const url = "https://example.com/x";
    await k.create(other.token, { long_url: url });
    await k.create(u.token, { long_url: url, domain_id: domain.id });
    await k.create(u.token, { long_url: url, disabled: true });
    await k.create(u.token, { long_url: url, expires_at: "2030-01-02 00:00:00" });
    await k.create(u.token, { long_url: url, password: "pw" });
    await k.create(u.token, { long_url: url, rules: [{ type: "device", key: "phone", value: "https://m.example.com/" }] });
    await k.create(u.token, { long_url: url, pixels: [pixel.id] });
    now = new Date("2030-01-03T00:00:00Z");
    const before = rows(k).length;
    const r = await k.create(u.token, { long_url: url, find_if_exists: true });
    expect(r.status).toBe(200);
    expect(rows(k)).toHaveLength(before + 1);
    expect(r.body.link).toMatchObject({ domain_id: null, disabled: false, has_password: false, expires_at: null, rules: [], pixels: [] });
  });

  test("a create that asks for a password, expiry, rules, pixels or a disabled link is made anew even when a plain one exists", async () => {
    const k = testApp();
    const u = await k.user();
    const pixel = (await k.call(u.token, "POST", "/api/pixels", { name: "fb", type: "facebook", pixel_id: "123456789012345" })).body.pixel;
    const url = "https://example.com/plain";
    const plain = (await k.create(u.token, { long_url: url })).body.link;
    for (const more of [{ password: "pw" }, { expires_at: "2099-01-01 00:00:00" }, { rules: [{ type: "geo", key: "de", value: "https://example.de/" }] }, { pixels: [pixel.id] }, { disabled: true }]) {
      const r = await k.create(u.token, { long_url: url, find_if_exists: true, ...more });
      expect([JSON.stringify(more), r.status, r.body.link.id === plain.id]).toEqual([JSON.stringify(more), 200, false]);
    }
    expect((await k.create(u.token, { long_url: url, find_if_exists: true, disabled: false })).body.link.id).toBe(plain.id);
  });

  test("a find_if_exists that is not true or false is a 422 naming it; PATCH does not take it", async () => {
    const k = testApp();
    const u = await k.user();
    const r = await k.create(u.token, { long_url: "https://example.com/", find_if_exists: "yes" });
    expect([r.status, r.body]).toEqual([422, { status: "error", messages: { find_if_exists: ["The find_if_exists field must be true or false."] } }]);
    const made = (await k.create(u.token, { long_url: "https://example.com/" })).body.link;
    const patched = await k.call(u.token, "PATCH", `/api/links/${made.id}`, { find_if_exists: true, title: "t" });
    expect([patched.status, patched.body.link.title]).toEqual([200, "t"]);
  });
});
