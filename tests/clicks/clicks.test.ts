import { describe, expect, test } from "bun:test";
import type { Visit } from "../../src/clicks/recorder";
import { clicks } from "../../src/db/schema";
import { testApp, type TestApp } from "../support/app";

const IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
const CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
const BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

const visit = (linkId: number, at: number, more: Partial<Visit> = {}): Visit => ({
  linkId, at, userAgent: CHROME, socketIp: null, forwardedIp: null, country: null, referrer: null, ...more,
});

async function linkWithVisits(k: TestApp, visits: Record<string, string>[]) {
  const u = await k.user();
  const { body } = await k.create(u.token, { long_url: "https://example.com" });
  for (const headers of visits) await k.handle(`/${body.link.hash}`, { headers });
  return { u, link: body.link };
}

async function stats(k: TestApp, token: string, id: number, query = "") {
  const r = await k.handle(`/api/links/${id}/stats${query}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, body: (await r.json()) as any };
}

describe("click recording", () => {
  test("a redirect records nothing synchronously; a flush writes the buffered clicks", async () => {
    const k = testApp({ config: { trustProxy: true } });
    await linkWithVisits(k, [{ "user-agent": IPHONE }, { "user-agent": CHROME }]);
    expect(k.db.select().from(clicks).all()).toHaveLength(0);
    expect(k.deps.clicks.pending()).toBe(2);
    expect(await k.deps.clicks.flush()).toBe(2);
    expect(k.db.select().from(clicks).all()).toHaveLength(2);
  });

  test("each click keeps time, country, device, browser, OS, referrer host and the bot flag, never the IP", async () => {
    const k = testApp({ config: { trustProxy: true } });
    const { link } = await linkWithVisits(k, [
      { "user-agent": IPHONE, "x-forwarded-for": "133.242.0.1", referer: "https://news.example.org/story?id=7" },
      { "user-agent": BOT, "x-forwarded-for": "141.30.0.1" },
    ]);
    await k.deps.clicks.flush();
    const rows = k.db.select().from(clicks).all();
    expect(rows[0]).toMatchObject({ linkId: link.id, country: "jp", device: "phone", browser: "Safari", os: "iOS", referrer: "news.example.org", bot: false });
    expect(rows[1]).toMatchObject({ country: "de", bot: true, device: null });
    expect(rows[0]!.createdAt).toBeInstanceOf(Date);
    const raw = JSON.stringify(k.db.$client.query("select * from clicks").all());
    expect(raw).not.toContain("133.242");
    expect(raw).not.toContain("141.30");
    expect(raw).not.toContain("story");
  });

  test("a trusted CDN country header wins over the address", async () => {
    const k = testApp({ config: { trustProxy: true } });
    await linkWithVisits(k, [{ "cf-ipcountry": "FR", "x-forwarded-for": "133.242.0.1" }]);
    await k.deps.clicks.flush();
    expect(k.db.select().from(clicks).get()?.country).toBe("fr");
  });

  test("HEAD requests, 404s and password forms are not clicks", async () => {
    const k = testApp();
    const u = await k.user();
    const plain = (await k.create(u.token, { long_url: "https://example.com" })).body.link;
    const locked = (await k.create(u.token, { long_url: "https://example.com", password: "pw" })).body.link;
    await k.handle(`/${plain.hash}`, { method: "HEAD" });
    await k.handle("/missing");
    await k.handle(`/${locked.hash}`);
    await k.deps.clicks.flush();
    expect(k.db.select().from(clicks).all()).toHaveLength(0);
  });

  test("a full batch is written without waiting for the timer", async () => {
    const k = testApp();
    const { link } = await linkWithVisits(k, []);
    for (let i = 0; i < 1000; i++) k.deps.clicks.record(visit(link.id, Date.now()));
    await new Promise((r) => setTimeout(r, 50));
    expect(k.deps.clicks.pending()).toBe(0);
    expect(k.db.select().from(clicks).all().reduce((n, c) => n + c.count, 0)).toBe(1000);
  });

  test("clicks of a deleted link's id are not lost silently: a failing write keeps them for the next flush", async () => {
    const k = testApp();
    const { link } = await linkWithVisits(k, [{}]);
    k.db.$client.exec("create trigger no_clicks before insert on clicks begin select raise(abort, 'busy'); end");
    expect(await k.deps.clicks.flush()).toBe(0);
    expect(k.deps.clicks.pending()).toBe(1);
    k.db.$client.exec("drop trigger no_clicks");
    expect(await k.deps.clicks.flush()).toBe(1);
    expect(k.db.select().from(clicks).get()?.linkId).toBe(link.id);
  });
});

describe("merged rows", () => {
  test("identical clicks in the same second share one row with a count; different ones do not", async () => {
    const k = testApp();
    const { link } = await linkWithVisits(k, []);
    const second = Date.parse("2026-05-01T10:00:00Z");
    for (let i = 0; i < 5; i++) k.deps.clicks.record(visit(link.id, second + i * 100));
    k.deps.clicks.record(visit(link.id, second + 1000));
    k.deps.clicks.record(visit(link.id, second + 200, { userAgent: IPHONE }));
    k.deps.clicks.record(visit(link.id, second + 300, { socketIp: "::ffff:133.242.0.1" }));
    await k.deps.clicks.flush();
    const rows = k.db.select().from(clicks).all();
    expect(rows.map((r) => r.count).sort()).toEqual([1, 1, 1, 5]);
    expect(rows.find((r) => r.count === 5)).toMatchObject({ device: "desktop", browser: "Chrome", country: null });
    expect(rows.find((r) => r.country === "jp")?.count).toBe(1);
  });
});

describe("GET /api/links/:id/stats", () => {
  test("answers totals, days and top lists biggest first, with bots apart", async () => {
    const k = testApp({ config: { trustProxy: true } });
    const { u, link } = await linkWithVisits(k, [
      { "user-agent": IPHONE, "cf-ipcountry": "DE", referer: "https://t.co/x" },
      { "user-agent": IPHONE, "cf-ipcountry": "DE" },
      { "user-agent": CHROME, "cf-ipcountry": "JP", referer: "https://t.co/y" },
      { "user-agent": BOT },
    ]);
    await k.deps.clicks.flush();
    const { status, body } = await stats(k, u.token, link.id);
    expect(status).toBe(200);
    expect(body.status).toBe("success");
    const s = body.stats;
    expect(s.total).toBe(3);
    expect(s.bots).toBe(1);
    const today = new Date().toISOString().slice(0, 10);
    expect(s.days).toEqual([{ date: today, clicks: 3 }]);
    expect(s.countries).toEqual([{ key: "de", clicks: 2 }, { key: "jp", clicks: 1 }]);
    expect(s.devices).toEqual([{ key: "phone", clicks: 2 }, { key: "desktop", clicks: 1 }]);
    expect(s.browsers).toEqual([{ key: "Safari", clicks: 2 }, { key: "Chrome", clicks: 1 }]);
    expect(s.os).toEqual([{ key: "iOS", clicks: 2 }, { key: "Windows", clicks: 1 }]);
    expect(s.referrers).toEqual([{ key: "t.co", clicks: 2 }, { key: "unknown", clicks: 1 }]);
  });

  test("from and to limit the range and every day of it is listed", async () => {
    const k = testApp();
    const { u, link } = await linkWithVisits(k, []);
    const at = (iso: string) => visit(link.id, Date.parse(iso));
    k.deps.clicks.record(at("2026-03-01T10:00:00Z"));
    k.deps.clicks.record(at("2026-03-03T23:59:59Z"));
    k.deps.clicks.record(at("2026-03-04T00:00:00Z"));
    await k.deps.clicks.flush();
    const { body } = await stats(k, u.token, link.id, "?from=2026-03-01&to=2026-03-03");
    expect(body.stats.total).toBe(2);
    expect(body.stats.days).toEqual([
      { date: "2026-03-01", clicks: 1 }, { date: "2026-03-02", clicks: 0 }, { date: "2026-03-03", clicks: 1 },
    ]);
  });

  test("bad dates and reversed ranges are 422", async () => {
    const k = testApp();
    const { u, link } = await linkWithVisits(k, []);
    expect((await stats(k, u.token, link.id, "?from=yesterday")).body.messages.from).toBeArray();
    expect((await stats(k, u.token, link.id, "?from=2026-03-05&to=2026-03-01")).status).toBe(422);
    expect((await stats(k, u.token, link.id, "?from=1990-01-01&to=2026-01-01")).status).toBe(422);
  });

  test("someone else's link is a 404; an admin may see it", async () => {
    const k = testApp();
    const { link } = await linkWithVisits(k, []);
    const other = await k.user();
    const admin = await k.user({ admin: true });
    expect((await stats(k, other.token, link.id)).status).toBe(404);
    expect((await stats(k, admin.token, link.id)).status).toBe(200);
    expect((await stats(k, other.token, 999999)).status).toBe(404);
  });
});
