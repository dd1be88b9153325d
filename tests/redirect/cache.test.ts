import { describe, expect, test } from "bun:test";
import { ClockCache, createRedirectCache } from "../../src/redirect/cache";
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

  test("a link that does not exist is not kept", () => {
    const cache = createRedirectCache();
    let loads = 0;
    for (let i = 0; i < 3; i++) cache.linkNow(null, "nope", () => (loads++, undefined));
    expect(loads).toBe(3);
  });
});
