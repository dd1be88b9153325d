import { describe, expect, test } from "bun:test";
import { createClickRecorder, type Visit } from "../../src/clicks/recorder";
import { ROW_ENTRIES, unpackCounts, type ClickStore } from "../../src/clicks/store";
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

/** Every stored count with its profile: folded hours and batches not folded yet. */
function storedCounts(k: TestApp) {
  const db = k.db.$client;
  const profiles = new Map(db.query<any, []>("select * from click_profiles").all().map((p) => [p.id, p]));
  const rows: any[] = db.query<any, []>("select link_id, hour, profile_id, clicks from click_hours").all();
  for (const b of db.query<{ counts: Uint8Array }, []>("select counts from click_batches").all()) {
    unpackCounts(b.counts, (hour, linkId, profileId, clicks) => rows.push({ link_id: linkId, hour, profile_id: profileId, clicks }));
  }
  return rows.map((r) => {
    const { id, key, ...profile } = profiles.get(r.profile_id);
    return { linkId: r.link_id, hour: r.hour, clicks: r.clicks, ...profile, bot: profile.bot === 1 };
  });
}

const batchRows = (k: TestApp) => k.db.$client.query<{ n: number }, []>("select count(*) as n from click_batches").get()!.n;
const total = (k: TestApp) => storedCounts(k).reduce((n, c) => n + c.clicks, 0);

/** A click store whose backlog never ends, written at `oldest`; `onFold` sees each fold step's number. */
function endlessBacklog(oldest: () => Date, onFold: (step: number) => void = () => {}) {
  const store = {
    steps: 0,
    profileId: () => 1,
    append: () => {},
    oldestPending: oldest,
    fold: () => {
      onFold(++store.steps);
      return { batches: 1, counts: ROW_ENTRIES };
    },
  };
  return store as typeof store & ClickStore;
}

describe("click recording", () => {
  test("a redirect writes nothing synchronously; a flush appends one row whatever the number of clicks", async () => {
    const k = testApp({ config: { trustProxy: true } });
    await linkWithVisits(k, [{ "user-agent": IPHONE }, { "user-agent": CHROME }, { "user-agent": CHROME }]);
    expect(batchRows(k)).toBe(0);
    expect(k.deps.clicks.pending()).toBe(3);
    expect(await k.deps.clicks.flush()).toBe(3);
    expect(k.deps.clicks.pending()).toBe(0);
    expect(batchRows(k)).toBe(1);
    expect(total(k)).toBe(3);
  });

  test("each click keeps hour, country, device, browser, OS, referrer host and the bot flag, never the IP", async () => {
    const k = testApp({ config: { trustProxy: true } });
    const { link } = await linkWithVisits(k, [
      { "user-agent": IPHONE, "x-forwarded-for": "133.242.0.1", referer: "https://news.example.org/story?id=7" },
      { "user-agent": BOT, "x-forwarded-for": "141.30.0.1" },
    ]);
    await k.deps.clicks.foldAll();
    expect(batchRows(k)).toBe(0);
    const rows = storedCounts(k);
    const hour = Math.floor(Date.now() / 3_600_000);
    expect(rows).toContainEqual({ linkId: link.id, hour, clicks: 1, country: "jp", device: "phone", browser: "Safari", os: "iOS", referrer: "news.example.org", bot: false });
    expect(rows.find((r) => r.bot)).toMatchObject({ country: "de", device: null, clicks: 1 });
    const raw = JSON.stringify([
      k.db.$client.query("select * from click_hours").all(), k.db.$client.query("select * from click_profiles").all(),
    ]);
    expect(raw).not.toContain("133.242");
    expect(raw).not.toContain("141.30");
    expect(raw).not.toContain("story");
  });

  test("each visitor address is looked up once and keeps its own country; a forwarded one counts with its socket's", async () => {
    const k = testApp();
    const { link } = await linkWithVisits(k, []);
    const lookups: (string | null)[] = [];
    const countryOf: Record<string, string> = { "198.51.100.1": "de", "198.51.100.2": "fr", "203.0.113.9": "jp" };
    const geo = { country: (ip: string | null) => (lookups.push(ip), (ip && countryOf[ip]) || null) };
    const recorder = createClickRecorder({ store: k.deps.clickStore, geo, log: () => {} });
    const at = Date.parse("2026-05-01T10:00:00Z");
    for (let i = 0; i < 3; i++) {
      recorder.record(visit(link.id, at, { socketIp: "10.0.0.1", forwardedIp: "198.51.100.1" }));
      recorder.record(visit(link.id, at, { socketIp: "10.0.0.1", forwardedIp: "198.51.100.2" }));
      recorder.record(visit(link.id, at, { socketIp: "203.0.113.9" }));
    }
    recorder.record(visit(link.id, at, { socketIp: "10.0.0.2", forwardedIp: "198.51.100.1" }));
    recorder.record(visit(link.id, at, { socketIp: "10.0.0.1", forwardedIp: "not an address" }));
    await recorder.close();
    await k.deps.clicks.foldAll();
    expect(lookups).toEqual(["198.51.100.1", "198.51.100.2", "203.0.113.9", "198.51.100.1", "10.0.0.1"]);
    const byCountry = Object.fromEntries(storedCounts(k).map((c) => [c.country ?? "none", c.clicks]));
    expect(byCountry).toEqual({ de: 4, fr: 3, jp: 3, none: 1 });
  });

  test("a trusted CDN country header wins over the address", async () => {
    const k = testApp({ config: { trustProxy: true } });
    await linkWithVisits(k, [{ "cf-ipcountry": "FR", "x-forwarded-for": "133.242.0.1" }]);
    await k.deps.clicks.flush();
    expect(storedCounts(k)[0]?.country).toBe("fr");
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
    expect(batchRows(k)).toBe(0);
    expect(total(k)).toBe(0);
  });

  test("many distinct counts are written without waiting for the timer", async () => {
    const k = testApp();
    const { link } = await linkWithVisits(k, []);
    const recorder = createClickRecorder({ store: k.deps.clickStore, geo: k.deps.geo, log: () => {}, batchSize: 100 });
    const start = Date.parse("2026-01-01T00:00:00Z");
    for (let i = 0; i < 1000; i++) recorder.record(visit(link.id, start + i * 3_600_000)); // 1,000 different hours
    await new Promise((r) => setTimeout(r, 50));
    expect(recorder.pending()).toBe(0); // the timer (1 s) has not fired yet
    expect(total(k)).toBe(1000);
    await recorder.close();
  });

  test("a big flush is written as rows of at most ROW_ENTRIES clicks, all counted, and folded row by row", async () => {
    const k = testApp();
    const { u, link } = await linkWithVisits(k, []);
    const at = Date.now();
    const clicks = 2 * ROW_ENTRIES + 500;
    // A first click stores the visitor's profile; the clicks of a known profile are an entry each.
    k.deps.clicks.record(visit(link.id, at));
    await k.deps.clicks.foldAll();
    for (let i = 0; i < clicks; i++) k.deps.clicks.record(visit(link.id, at));
    expect(await k.deps.clicks.flush()).toBe(clicks);
    const rows = k.db.$client.query<{ n: number }, []>("select length(counts) / 16 as n from click_batches order by id").all().map((r) => r.n);
    expect(rows).toEqual([ROW_ENTRIES, ROW_ENTRIES, 500]);
    expect((await stats(k, u.token, link.id)).body.stats.total).toBe(clicks + 1);
    expect(k.deps.clickStore.fold()).toEqual({ batches: 1, counts: ROW_ENTRIES });
    expect((await stats(k, u.token, link.id)).body.stats.total).toBe(clicks + 1);
    await k.deps.clicks.foldAll();
    expect(batchRows(k)).toBe(0);
    expect((await stats(k, u.token, link.id)).body.stats.total).toBe(clicks + 1);
  });

  test("a failing write keeps the clicks for the next flush", async () => {
    const k = testApp();
    const { link } = await linkWithVisits(k, [{}]);
    k.db.$client.exec("create trigger no_clicks before insert on click_batches begin select raise(abort, 'busy'); end");
    expect(await k.deps.clicks.flush()).toBe(0);
    expect(k.deps.clicks.pending()).toBe(1);
    k.db.$client.exec("drop trigger no_clicks");
    expect(await k.deps.clicks.flush()).toBe(1);
    expect(storedCounts(k)).toMatchObject([{ linkId: link.id, clicks: 1 }]);
  });
});

describe("visitor profiles and a database that cannot be written", () => {
  const firefox = (build: number) => `Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 Build/${build}`;
  const changes = (k: TestApp) => k.db.$client.query<{ n: number }, []>("select total_changes() as n").get()!.n;
  type Profiles = Parameters<ClickStore["profileIds"]>[0];
  /** The app's click store, counting how many times (and how many profiles) the recorder stores profiles. */
  function countingStore(k: TestApp) {
    const calls: number[] = [];
    const store = { ...k.deps.clickStore, profileIds: (list: Profiles) => (calls.push(list.length), k.deps.clickStore.profileIds(list)) };
    return { store: store as ClickStore, calls };
  }

  test("a redirect never writes: new profiles are stored by the flush, all in one transaction; strings that read the same share one", async () => {
    const k = testApp();
    const { link } = await linkWithVisits(k, []);
    const { store, calls } = countingStore(k);
    const recorder = createClickRecorder({ store, geo: k.deps.geo, log: () => {} });
    const at = Date.now();
    const before = changes(k);
    for (let i = 0; i < 200; i++) recorder.record(visit(link.id, at, { userAgent: firefox(i) })); // one profile
    for (let i = 0; i < 300; i++) recorder.record(visit(link.id, at, { referrer: `https://site${i}.example/` })); // 300 profiles
    expect(changes(k)).toBe(before);
    expect(calls).toEqual([]);
    expect(await recorder.flush()).toBe(500);
    expect(calls).toEqual([301]);
    expect(k.db.$client.query<{ n: number }, []>("select count(*) as n from click_profiles").get()!.n).toBe(301);
    expect(total(k)).toBe(500);
    // Known from now on: more visits of the same profiles store none.
    for (let i = 0; i < 300; i++) recorder.record(visit(link.id, at, { referrer: `https://site${i}.example/` }));
    expect(await recorder.close()).toBe(300);
    expect(calls).toEqual([301]);
    const profile = { country: "de", device: "phone", browser: "Safari", os: "iOS", referrer: "news.example", bot: false };
    const id = k.deps.clickStore.profileId(profile);
    const unchanged = changes(k);
    expect(k.deps.clickStore.profileId(profile)).toBe(id);
    expect(changes(k)).toBe(unchanged);
  });

  test("while profiles cannot be stored, their clicks wait (counted, within a bound), tried once a flush, logged once, written when the database works again", async () => {
    const k = testApp();
    const { link } = await linkWithVisits(k, []);
    const logged: string[] = [];
    const { store, calls } = countingStore(k);
    const recorder = createClickRecorder({ store, geo: k.deps.geo, log: (m) => logged.push(m), maxWaiting: 20 });
    k.db.$client.exec("create trigger no_profiles before insert on click_profiles begin select raise(abort, 'database or disk is full'); end");
    const at = Date.now();
    // 50 new referrer hosts: 20 profiles wait, 30 are dropped; 1,000 more clicks of a waiting profile cost nothing more.
    for (let i = 0; i < 50; i++) recorder.record(visit(link.id, at, { referrer: `https://site${i}.example/`, userAgent: `${CHROME} ${"x".repeat(5000)}` }));
    for (let i = 0; i < 1000; i++) recorder.record(visit(link.id, at, { referrer: "https://site0.example/" }));
    expect(recorder.pending()).toBe(1020);
    expect(await recorder.flush()).toBe(0);
    expect(await recorder.flush()).toBe(0);
    expect(calls).toEqual([20, 20]);
    expect(logged).toEqual(["could not write clicks; will retry (1020 held, 30 dropped)"]);

    k.db.$client.exec("drop trigger no_profiles");
    expect(await recorder.flush()).toBe(1020);
    expect(recorder.pending()).toBe(0);
    expect(total(k)).toBe(1020);
    expect(logged.at(-1)).toBe("clicks are written again (30 could not be held meanwhile and are lost)");
    await recorder.close();
  });

  test("clicks that cannot be written by the time the server stops are reported as lost", async () => {
    const k = testApp();
    const { link } = await linkWithVisits(k, []);
    const logged: string[] = [];
    const recorder = createClickRecorder({ store: k.deps.clickStore, geo: k.deps.geo, log: (m) => logged.push(m) });
    k.db.$client.exec("create trigger no_profiles before insert on click_profiles begin select raise(abort, 'readonly'); end");
    for (let i = 0; i < 3; i++) recorder.record(visit(link.id, Date.now(), { referrer: `https://lost${i}.example/` }));
    expect(await recorder.close()).toBe(0);
    expect(logged.at(-1)).toBe("3 clicks could not be written and are lost");
  });

  test("a long header is kept as a short copy: the 16 KB it was cut from can be freed", async () => {
    const { cutKey, MAX_KEY } = await import("../../src/redirect/visitor");
    const header = `Mozilla/5.0 ${"y".repeat(16_000)}`;
    const key = cutKey(header);
    expect(key).toBe(header.slice(0, MAX_KEY));
    expect(cutKey("short")).toBe("short");
  });
});

describe("counts and folding", () => {
  test("clicks of the same hour, link and visitor share one count; different ones do not", async () => {
    const k = testApp();
    const { link } = await linkWithVisits(k, []);
    const hour = Date.parse("2026-05-01T10:00:00Z");
    for (let i = 0; i < 5; i++) k.deps.clicks.record(visit(link.id, hour + i * 60_000));
    k.deps.clicks.record(visit(link.id, hour + 3_600_000));
    k.deps.clicks.record(visit(link.id, hour + 200, { userAgent: IPHONE }));
    k.deps.clicks.record(visit(link.id, hour + 300, { socketIp: "::ffff:133.242.0.1" }));
    await k.deps.clicks.foldAll();
    const rows = storedCounts(k);
    expect(rows.map((r) => r.clicks).sort()).toEqual([1, 1, 1, 5]);
    expect(rows.find((r) => r.clicks === 5)).toMatchObject({ device: "desktop", browser: "Chrome", country: null });
    expect(rows.find((r) => r.country === "jp")?.clicks).toBe(1);
  });

  test("statistics are exact before, during and after a fold, and a fold counts nothing twice", async () => {
    const k = testApp({ config: { trustProxy: true } });
    const { u, link } = await linkWithVisits(k, [{ "user-agent": IPHONE, "cf-ipcountry": "DE" }, { "user-agent": CHROME }]);
    await k.deps.clicks.flush();
    const before = (await stats(k, u.token, link.id)).body.stats;
    expect(before.total).toBe(2);
    await k.deps.clicks.foldAll();
    await k.deps.clicks.foldAll();
    expect(batchRows(k)).toBe(0);
    expect((await stats(k, u.token, link.id)).body.stats).toEqual(before);
    await k.handle(`/${link.hash}`, { headers: { "user-agent": IPHONE, "cf-ipcountry": "DE" } });
    await k.deps.clicks.flush(); // one count folded, one pending
    const after = (await stats(k, u.token, link.id)).body.stats;
    expect(after.total).toBe(3);
    expect(after.countries).toEqual([{ key: "de", clicks: 2 }, { key: "unknown", clicks: 1 }]);
    const list = await k.handle("/api/links", { headers: { authorization: `Bearer ${u.token}` } });
    expect(((await list.json()) as any).links[0].clicks).toBe(3);
  });

  test("batches are folded by the timer once redirects are quiet, or when overdue whatever the load", async () => {
    const k = testApp();
    const { link } = await linkWithVisits(k, []);
    const quiet = createClickRecorder({ store: k.deps.clickStore, geo: k.deps.geo, log: () => {}, intervalMs: 20, foldAfterMs: 30, foldByMs: 60_000, quietRate: 1e9 });
    quiet.record(visit(link.id, Date.now()));
    await Bun.sleep(150);
    expect(batchRows(k)).toBe(0);
    expect(total(k)).toBe(1);
    await quiet.close();

    const busy = createClickRecorder({ store: k.deps.clickStore, geo: k.deps.geo, log: () => {}, intervalMs: 20, foldAfterMs: 30, foldByMs: 60_000, quietRate: 0 });
    busy.record(visit(link.id, Date.now()));
    await Bun.sleep(150);
    expect(batchRows(k)).toBe(1); // never quiet: waits
    await busy.close();

    const overdue = createClickRecorder({ store: k.deps.clickStore, geo: k.deps.geo, log: () => {}, intervalMs: 20, foldAfterMs: 30, foldByMs: 40, quietRate: 0 });
    await Bun.sleep(150);
    expect(batchRows(k)).toBe(0);
    expect(total(k)).toBe(2);
    await overdue.close();
  });

  test("overdue under load, each interval folds as many rows as its clicks filled and one more", async () => {
    const store = endlessBacklog(() => new Date(0)); // always overdue, never caught up
    const recorder = createClickRecorder({ store, geo: { country: () => null }, log: () => {}, intervalMs: 300, foldByMs: 0, quietRate: 0 });
    /** The steps of the next interval, once they are done (they follow each other within milliseconds). */
    const nextInterval = async () => {
      const before = store.steps;
      while (store.steps === before) await Bun.sleep(5);
      await Bun.sleep(50);
      return store.steps - before;
    };
    for (let i = 0; i < 5 * ROW_ENTRIES; i++) recorder.record(visit(1, Date.now()));
    expect(await nextInterval()).toBe(6); // five rows' worth of clicks in the first interval, and one more
    expect(await nextInterval()).toBe(1); // none in the second: one step
    await recorder.close();
  });

  test("requests that are not clicks (password forms, 404s) keep redirects from counting as quiet", async () => {
    const store = endlessBacklog(() => new Date(Date.now() - 60_000)); // old enough to fold when quiet, not overdue
    const recorder = createClickRecorder({ store, geo: { country: () => null }, log: () => {}, intervalMs: 50, foldAfterMs: 1_000, quietRate: 200 });
    const load = setInterval(() => {
      for (let i = 0; i < 10; i++) recorder.served(); // 10 requests every ~1 ms: far above 200 a second
    }, 1);
    await Bun.sleep(300);
    clearInterval(load);
    expect(store.steps).toBe(0);
    await Bun.sleep(200);
    expect(store.steps).toBeGreaterThan(0);
    await recorder.close();
  });

  test("quiet folding stops as soon as requests come in between its steps", async () => {
    let recorder: ReturnType<typeof createClickRecorder> | undefined;
    const store = endlessBacklog(() => new Date(Date.now() - 60_000), (step) => {
      if (step === 3) for (let i = 0; i < 1000; i++) recorder!.served(); // load arrives during the third step
    });
    recorder = createClickRecorder({ store, geo: { country: () => null }, log: () => {}, intervalMs: 400, foldAfterMs: 1_000, quietRate: 200 });
    await Bun.sleep(600); // one interval: quiet, so it folds, for up to a quarter of it
    expect(store.steps).toBe(3);
    await recorder.close();
  });

  test("API requests count as load", async () => {
    const k = testApp();
    const u = await k.user();
    const served = k.deps.clicks.served;
    let noted = 0;
    k.deps.clicks.served = () => {
      noted++;
      served();
    };
    await k.handle("/api/links", { headers: { authorization: `Bearer ${u.token}` } });
    await k.handle("/healthz");
    expect(noted).toBe(2);
  });

  test("counts of a link deleted before the fold are dropped with it", async () => {
    const k = testApp();
    const { u, link } = await linkWithVisits(k, [{}, {}]);
    const kept = (await k.create(u.token, { long_url: "https://example.org" })).body.link;
    await k.handle(`/${kept.hash}`);
    await k.deps.clicks.flush();
    const del = await k.handle(`/api/links/${link.id}`, { method: "DELETE", headers: { authorization: `Bearer ${u.token}` } });
    expect(del.status).toBeLessThan(300);
    await k.deps.clicks.foldAll();
    expect(batchRows(k)).toBe(0);
    expect(storedCounts(k)).toMatchObject([{ linkId: kept.id, clicks: 1 }]);
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

  test("a visit without a User-Agent (a script, not a browser) counts with the bots", async () => {
    const k = testApp();
    const { u, link } = await linkWithVisits(k, [{}, { "user-agent": "" }, { "user-agent": CHROME }]);
    await k.deps.clicks.flush();
    const s = (await stats(k, u.token, link.id)).body.stats;
    expect({ total: s.total, bots: s.bots }).toEqual({ total: 1, bots: 2 });
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

  test("with tz, days are that zone's: from, to and the chart's days, across a change of summer time", async () => {
    const k = testApp();
    const { u, link } = await linkWithVisits(k, []);
    // Berlin: UTC+1 in winter, UTC+2 from 2026-03-29 02:00 (a 23-hour day).
    for (const iso of ["2026-03-27T23:30:00Z", "2026-03-28T22:59:00Z", "2026-03-28T23:00:00Z", "2026-03-29T21:59:00Z", "2026-03-29T22:00:00Z", "2026-03-30T22:30:00Z"]) {
      k.deps.clicks.record(visit(link.id, Date.parse(iso)));
    }
    await k.deps.clicks.flush();
    const berlin = (await stats(k, u.token, link.id, "?from=2026-03-28&to=2026-03-30&tz=Europe/Berlin")).body.stats;
    expect(berlin.days).toEqual([{ date: "2026-03-28", clicks: 2 }, { date: "2026-03-29", clicks: 2 }, { date: "2026-03-30", clicks: 1 }]);
    expect(berlin.total).toBe(5);
    const utc = (await stats(k, u.token, link.id, "?from=2026-03-28&to=2026-03-30")).body.stats;
    expect(utc.days).toEqual([{ date: "2026-03-28", clicks: 2 }, { date: "2026-03-29", clicks: 2 }, { date: "2026-03-30", clicks: 1 }]);
    const tokyo = (await stats(k, u.token, link.id, "?from=2026-03-28&to=2026-03-31&tz=Asia/Tokyo")).body.stats;
    expect(tokyo.days).toEqual([{ date: "2026-03-28", clicks: 1 }, { date: "2026-03-29", clicks: 2 }, { date: "2026-03-30", clicks: 2 }, { date: "2026-03-31", clicks: 1 }]);
    const la = (await stats(k, u.token, link.id, "?from=2026-03-27&to=2026-03-30&tz=America/Los_Angeles")).body.stats;
    expect(la.days).toEqual([{ date: "2026-03-27", clicks: 1 }, { date: "2026-03-28", clicks: 2 }, { date: "2026-03-29", clicks: 2 }, { date: "2026-03-30", clicks: 1 }]);
  });

  test("the last days there are: a range ending on 9999-12-31 is answered, in any zone (the day after it has no name of that shape)", async () => {
    const k = testApp();
    const { u, link } = await linkWithVisits(k, []);
    for (const tz of ["", "&tz=Pacific/Kiritimati", "&tz=America/Los_Angeles"]) {
      const r = await stats(k, u.token, link.id, `?from=9999-12-30&to=9999-12-31${tz}`);
      expect([tz, r.status, r.body.stats?.days]).toEqual([tz, 200, [{ date: "9999-12-30", clicks: 0 }, { date: "9999-12-31", clicks: 0 }]]);
    }
    const far = (await stats(k, u.token, link.id, "?to=9999-12-31")).body.stats.days; // the last 1098 days up to it
    expect([far.length, far[0].date, far.at(-1).date]).toEqual([1098, "9996-12-29", "9999-12-31"]);
  }, 10_000);

  test("a tz that is no time zone is a 422 naming it", async () => {
    const k = testApp();
    const { u, link } = await linkWithVisits(k, []);
    for (const tz of ["Mars/Olympus", "UTC+2", "../etc"]) {
      const r = await stats(k, u.token, link.id, `?tz=${encodeURIComponent(tz)}`);
      expect([tz, r.status, r.body]).toEqual([tz, 422, { status: "error", messages: { tz: ["The tz must be a time zone name like Europe/Berlin or UTC."] } }]);
    }
  });

  test("a date with a time names its whole UTC day, in from as in to", async () => {
    const k = testApp();
    const { u, link } = await linkWithVisits(k, []);
    k.deps.clicks.record(visit(link.id, Date.parse("2026-03-01T10:00:00Z")));
    k.deps.clicks.record(visit(link.id, Date.parse("2026-03-03T23:00:00Z")));
    await k.deps.clicks.flush();
    const { body } = await stats(k, u.token, link.id, "?from=2026-03-01T22:00:00Z&to=2026-03-03T00:00:00Z");
    expect(body.stats.total).toBe(2);
    expect(body.stats.days.map((d: { date: string }) => d.date)).toEqual(["2026-03-01", "2026-03-02", "2026-03-03"]);
  });

  test("without from, a link older than the longest range shows its last 1098 days instead of failing", async () => {
    let clock = Date.parse("2026-01-10T12:00:00Z");
    const k = testApp({ deps: { now: () => new Date(clock) } });
    const { u, link } = await linkWithVisits(k, [{ "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120" }]);
    clock = Date.parse("2030-01-10T12:00:00Z");
    k.deps.clicks.record(visit(link.id, clock));
    await k.deps.clicks.flush();
    const { status, body } = await stats(k, u.token, link.id);
    expect(status).toBe(200);
    expect(body.stats.days).toHaveLength(1098);
    expect(body.stats.days.at(-1)).toEqual({ date: "2030-01-10", clicks: 1 });
    expect(body.stats.total).toBe(1); // the first click, four years back, is outside the range
  });

  test("a from after today, without to, is reported under from", async () => {
    const k = testApp();
    const { u, link } = await linkWithVisits(k, []);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect((await stats(k, u.token, link.id, `?from=${tomorrow}`)).body.messages).toEqual({ from: ["The from date must not be after today."] });
  });

  test("lists are complete up to 1000 entries: 60 referrer hosts all show, and add up to the total", async () => {
    const k = testApp();
    const { u, link } = await linkWithVisits(k, Array.from({ length: 60 }, (_, i) => ({ "user-agent": CHROME, referer: `https://site${i}.example/` })));
    await k.deps.clicks.flush();
    const s = (await stats(k, u.token, link.id)).body.stats;
    expect(s.total).toBe(60);
    expect(s.referrers).toHaveLength(60);
    expect(s.referrers.reduce((sum: number, r: { clicks: number }) => sum + r.clicks, 0)).toBe(60);
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
