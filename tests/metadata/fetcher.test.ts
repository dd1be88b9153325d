import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { createMetadataFetcher, type MetadataFetcherOptions } from "../../src/metadata/fetcher";
import { endless, type Fixture, html, latin1, never, redirect, startFixture } from "./fixture-server";

let site: Fixture;
// Requests to /slow being answered right now, and the most there were at once.
const slow = { now: 0, max: 0 };

beforeAll(() => {
  site = startFixture({
    "/": () => html(`<html><head><title>Kurz &amp; gut</title><meta name="description" content="Short links, self-hosted."></head><body>…</body></html>`),
    "/og": () => html(`<head><meta property="og:title" content="Only OG"><meta property="og:description" content="OG text"></head>`),
    "/latin1-header": () => html(latin1("<title>Caf\u00e9 M\u00fcller</title><meta name=description content='D\u00e9j\u00e0 vu'>"), 200, "text/html; charset=iso-8859-1"),
    "/latin1-meta": () => html(latin1('<head><meta charset="ISO-8859-1"><title>Caf\u00e9 M\u00fcller</title></head>'), 200, "text/html"),
    "/utf8": () => html("<title>Grüße aus 東京 😀</title>", 200, "text/html; charset=utf-8"),
    "/moved": () => redirect("/"),
    "/gone": () => html("<title>Page not found</title>", 404),
    "/image": () => new Response(new Uint8Array(64), { headers: { "content-type": "image/png" } }),
    "/endless": endless("<html><head><title>Endless</title></head><body>"),
    "/slow": async () => {
      slow.max = Math.max(slow.max, ++slow.now);
      await Bun.sleep(150);
      slow.now--;
      return html("<title>Slow</title>");
    },
    "/never": never,
  });
});
afterAll(() => site.stop());
afterEach(() => {
  site.hits.length = 0;
  slow.max = 0;
});

const local = (extra: Partial<MetadataFetcherOptions> = {}) => createMetadataFetcher({ allowPrivate: true, timeoutMs: 1000, ...extra });

test("title and description come from the destination page", async () => {
  expect(await local().fetch(site.url("/"))).toEqual({ title: "Kurz & gut", description: "Short links, self-hosted." });
});

test("og:title and og:description are the fallbacks", async () => {
  expect(await local().fetch(site.url("/og"))).toEqual({ title: "Only OG", description: "OG text" });
});

test("a latin-1 page is decoded by its header charset and by its meta charset", async () => {
  const fetcher = local();
  expect(await fetcher.fetch(site.url("/latin1-header"))).toEqual({ title: "Café Müller", description: "Déjà vu" });
  expect((await fetcher.fetch(site.url("/latin1-meta"))).title).toBe("Café Müller");
});

test("a UTF-8 page keeps its characters", async () => {
  expect((await local().fetch(site.url("/utf8"))).title).toBe("Grüße aus 東京 😀");
});

test("a redirected destination gives the final page's metadata", async () => {
  expect((await local().fetch(site.url("/moved"))).title).toBe("Kurz & gut");
});

test("a 404, a non-HTML answer and a refused or broken URL give empty fields", async () => {
  const fetcher = local();
  const nothing = { title: null, description: null };
  expect(await fetcher.fetch(site.url("/gone"))).toEqual(nothing);
  expect(await fetcher.fetch(site.url("/image"))).toEqual(nothing);
  expect(await fetcher.fetch("javascript:alert(1)")).toEqual(nothing);
  expect(await fetcher.fetch("not a url")).toEqual(nothing);
  expect(await createMetadataFetcher({ allowPrivate: false }).fetch(site.url("/"))).toEqual(nothing);
  expect(site.hits).toEqual(["/gone", "/image"]);
});

test("an endless page gives its title quickly: reading stops at the end of the head", async () => {
  const started = performance.now();
  expect((await local().fetch(site.url("/endless"))).title).toBe("Endless");
  expect(performance.now() - started).toBeLessThan(500);
});

test("a page that never answers gives empty fields when the time is up", async () => {
  const started = performance.now();
  expect(await local({ timeoutMs: 300 }).fetch(site.url("/never"))).toEqual({ title: null, description: null });
  expect(performance.now() - started).toBeLessThan(800);
});

test("a URL asked for again within the TTL is not fetched again", async () => {
  const fetcher = local();
  const first = await fetcher.fetch(site.url("/"));
  const second = await fetcher.fetch(site.url("/"));
  const withFragment = await fetcher.fetch(`${site.url("/")}#section`);
  expect(second).toEqual(first);
  expect(withFragment).toEqual(first);
  expect(site.hits).toEqual(["/"]);
});

test("after the TTL the page is fetched again", async () => {
  const fetcher = local({ ttlMs: 100 });
  await fetcher.fetch(site.url("/"));
  await Bun.sleep(150);
  await fetcher.fetch(site.url("/"));
  expect(site.hits).toEqual(["/", "/"]);
});

test("a failed fetch is remembered for a short while, so a hanging URL does not hang every create", async () => {
  const fetcher = local({ timeoutMs: 200, failureTtlMs: 5000 });
  await fetcher.fetch(site.url("/never"));
  const started = performance.now();
  expect(await fetcher.fetch(site.url("/never"))).toEqual({ title: null, description: null });
  expect(performance.now() - started).toBeLessThan(50);
  expect(site.hits).toEqual(["/never"]);
});

test("a cached result cannot be changed by a caller", async () => {
  const fetcher = local();
  const first = await fetcher.fetch(site.url("/"));
  first.title = "mutated";
  expect((await fetcher.fetch(site.url("/"))).title).toBe("Kurz & gut");
});

test("concurrent requests for one URL share a single fetch", async () => {
  const fetcher = local();
  const results = await Promise.all(Array.from({ length: 10 }, () => fetcher.fetch(site.url("/slow"))));
  expect(results.every((result) => result.title === "Slow")).toBe(true);
  expect(site.hits).toEqual(["/slow"]);
});

test("fetchMany answers in order, de-duplicates, and runs at most `concurrency` fetches at once", async () => {
  const fetcher = local({ concurrency: 3 });
  const urls = [...Array.from({ length: 9 }, (_, i) => site.url(`/slow?i=${i}`)), site.url("/"), site.url("/slow?i=0")];
  const started = performance.now();
  const results = await fetcher.fetchMany(urls);
  const elapsed = performance.now() - started;
  expect(results.map((result) => result.title)).toEqual([...Array<string>(9).fill("Slow"), "Kurz & gut", "Slow"]);
  expect(site.hits).toHaveLength(10);
  expect(slow.max).toBeLessThanOrEqual(3);
  expect(elapsed).toBeGreaterThanOrEqual(3 * 150 - 20); // 9 slow pages, 3 at a time
  expect(elapsed).toBeLessThan(1500);
});

test("100 URLs that all hang answer within the default 3 s, starting only `concurrency` fetches", async () => {
  const fetcher = createMetadataFetcher({ allowPrivate: true });
  const urls = Array.from({ length: 100 }, (_, i) => site.url(`/never?i=${i}`));
  const started = performance.now();
  const results = await fetcher.fetchMany(urls);
  const elapsed = performance.now() - started;
  expect(results).toHaveLength(100);
  expect(results.every((result) => result.title === null && result.description === null)).toBe(true);
  expect(elapsed).toBeGreaterThanOrEqual(2950);
  expect(elapsed).toBeLessThan(3500);
  expect(site.hits).toHaveLength(8);
});

test("a fetcher's concurrency bound is shared by all its callers", async () => {
  const fetcher = local({ concurrency: 2 });
  await Promise.all([
    fetcher.fetchMany([site.url("/slow?a=1"), site.url("/slow?a=2")]),
    fetcher.fetchMany([site.url("/slow?b=1"), site.url("/slow?b=2")]),
    fetcher.fetch(site.url("/slow?c=1")),
  ]);
  expect(site.hits).toHaveLength(5);
  expect(slow.max).toBeLessThanOrEqual(2);
});
