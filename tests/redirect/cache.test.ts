import { describe, expect, test } from "bun:test";
import { ClockCache, createRedirectCache, HashedSlots } from "../../src/redirect/cache";
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

describe("HashedSlots", () => {
  test("a key's value until a key with the same slot takes its place; unknown keys have none", () => {
    const slots = new HashedSlots(1); // two slots: keys soon share one
    expect(slots.get("abc")).toBeUndefined();
    slots.set("abc", 7);
    expect(slots.get("abc")).toBe(7);
    slots.set("abc", 8);
    expect(slots.get("abc")).toBe(8);
    expect(slots.get("abd")).toBeUndefined();
    for (let i = 0; i < 50; i++) slots.set(`k${i}`, i);
    expect(slots.get("abc")).toBeUndefined();
  });

  test("many keys: each has its own value, none is taken for another", () => {
    const slots = new HashedSlots(1 << 16);
    const keys = Array.from({ length: 1_000 }, (_, i) => `203.0.113.${i}`);
    keys.forEach((k, i) => slots.set(k, i));
    const found = keys.map((k) => slots.get(k));
    expect(found.filter((v, i) => v !== undefined && v !== i)).toEqual([]);
    expect(found.filter((v) => v !== undefined).length).toBeGreaterThan(980);
    expect(Array.from({ length: 1_000 }, (_, i) => slots.get(`198.51.100.${i}`)).filter((v) => v !== undefined)).toEqual([]);
  });

  test("a key in two parts is the two joined by a space", () => {
    const slots = new HashedSlots(64);
    slots.set("10.0.0.1 192.0.2.1", 3);
    expect(slots.get("10.0.0.1", "192.0.2.1")).toBe(3);
    slots.set("10.0.0.1", 4, "192.0.2.2");
    expect(slots.get("10.0.0.1 192.0.2.2")).toBe(4);
    expect(slots.get("10.0.0.1", "")).toBeUndefined();
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
