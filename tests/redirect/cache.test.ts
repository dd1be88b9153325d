import { describe, expect, test } from "bun:test";
import { createRedirectCache, GenerationCache } from "../../src/redirect/cache";
import type { RedirectLink } from "../../src/links/store";

const link = (id: number): RedirectLink => ({ id, longUrl: `https://example.com/${id}`, passwordHash: null, disabled: false, expiresAt: null, rules: [], pixels: [] });

describe("GenerationCache", () => {
  test("keeps at least the `max` entries used last and at most twice as many", () => {
    const cache = new GenerationCache<number>(3);
    for (let i = 0; i < 10; i++) cache.set(`k${i}`, i);
    expect(cache.size).toBeLessThanOrEqual(6);
    for (let i = 7; i < 10; i++) expect(cache.get(`k${i}`)).toBe(i);
    expect(cache.get("k0")).toBeUndefined();
  });

  test("an old entry read again survives the next turnover", () => {
    const cache = new GenerationCache<number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    cache.set("c", 3); // a and b are now the old generation
    expect(cache.get("a")).toBe(1); // back to the young one
    cache.set("d", 4);
    cache.set("e", 5); // turnover: b is dropped, a stays
    expect(cache.get("a")).toBe(1);
    expect(cache.get("b")).toBeUndefined();
  });

  test("entries age out after ttlMs", async () => {
    const cache = new GenerationCache<number>(10, 20);
    cache.set("a", 1);
    expect(cache.get("a")).toBe(1);
    await Bun.sleep(30);
    expect(cache.get("a")).toBeUndefined();
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
