import { describe, expect, test } from "bun:test";
import { ClockCache, createRedirectCache, SeenFilter } from "../../src/redirect/cache";
import type { RedirectLink } from "../../src/links/store";

const link = (id: number): RedirectLink => ({ id, longUrl: `https://example.com/${id}`, passwordHash: null, disabled: false, expiresAt: null, rules: [], pixels: [] });

describe("ClockCache", () => {
  test("holds at most `max` entries; a full cache gives way with entries not read lately", () => {
    const cache = new ClockCache<number>(3);
    cache.set("a", 1);
    cache.set("b", 2);
    cache.set("c", 3);
    expect(cache.get("a")).toBe(1); // read: a keeps its slot through the next search
    cache.set("d", 4); // b, never read, gives way
    expect(cache.size).toBe(3);
    expect(cache.get("b")).toBeUndefined();
    expect([cache.get("a"), cache.get("c"), cache.get("d")]).toEqual([1, 3, 4]);
    for (let i = 0; i < 100; i++) cache.set(`k${i}`, i);
    expect(cache.size).toBe(3);
    expect(cache.get("k99")).toBe(99);
  });

  test("a deleted entry frees its slot, and a value set again is replaced in place", () => {
    const cache = new ClockCache<number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    cache.delete("a");
    cache.set("c", 3);
    expect([cache.get("a"), cache.get("b"), cache.get("c")]).toEqual([undefined, 2, 3]);
    cache.set("b", 20);
    expect(cache.get("b")).toBe(20);
    expect(cache.size).toBe(2);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.get("b")).toBeUndefined();
  });

  test("entries age out after ttlMs", async () => {
    const cache = new ClockCache<number>(10, 20);
    cache.set("a", 1);
    expect(cache.get("a")).toBe(1);
    await Bun.sleep(30);
    expect(cache.get("a")).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});

describe("SeenFilter", () => {
  test("a key is seen from its second look on, until a key with the same slot takes its place", () => {
    const filter = new SeenFilter(1); // two slots: keys soon share one
    expect(filter.seen("abc")).toBe(false);
    expect(filter.seen("abc")).toBe(true);
    expect(filter.seen("abc")).toBe(true);
    const others = Array.from({ length: 50 }, (_, i) => `k${i}`);
    for (const key of others) filter.seen(key);
    expect(filter.seen("abc")).toBe(false);
  });

  test("many keys: each is new once, and most are still known right after", () => {
    const filter = new SeenFilter(1 << 16);
    const keys = Array.from({ length: 1_000 }, (_, i) => `slug${i}`);
    expect(keys.filter((k) => filter.seen(k))).toEqual([]);
    expect(keys.filter((k) => filter.seen(k)).length).toBeGreaterThan(980);
  });
});

describe("redirect cache", () => {
  test("a link is kept from its second read on; forgetting it reads it again", async () => {
    const cache = createRedirectCache();
    let loads = 0;
    const load = () => (loads++, link(1));
    cache.linkNow(null, "abc", load);
    cache.linkNow(null, "abc", load);
    expect(await cache.link(null, "abc", async () => load())).toEqual(link(1));
    expect(cache.linkNow(null, "abc", load)).toEqual(link(1));
    expect(loads).toBe(2);
    cache.forgetLink(null, "abc");
    cache.linkNow(null, "abc", load);
    expect(loads).toBe(3);
  });

  test("the same slug on two domains are two links", () => {
    const cache = createRedirectCache();
    for (let i = 0; i < 2; i++) {
      cache.linkNow(null, "abc", () => link(1));
      cache.linkNow(7, "abc", () => link(2));
    }
    expect(cache.linkNow(null, "abc", () => undefined)?.id).toBe(1);
    expect(cache.linkNow(7, "abc", () => undefined)?.id).toBe(2);
  });

  test("links read once each do not push a hot link out", () => {
    const cache = createRedirectCache({ maxLinks: 4 });
    let loads = 0;
    cache.linkNow(null, "hot", () => link(1));
    cache.linkNow(null, "hot", () => link(1));
    for (let i = 0; i < 10_000; i++) cache.linkNow(null, `once${i}`, () => link(i + 2));
    expect(cache.linkNow(null, "hot", () => (loads++, link(1)))?.id).toBe(1);
    expect(loads).toBe(0);
  });

  test("a link that does not exist is not kept", () => {
    const cache = createRedirectCache();
    let loads = 0;
    for (let i = 0; i < 3; i++) cache.linkNow(null, "nope", () => (loads++, undefined));
    expect(loads).toBe(3);
  });
});
