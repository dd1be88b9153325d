// Titles and descriptions from the destination page, through the real create endpoint.
import { afterAll, describe, expect, test } from "bun:test";
import { createMetadataFetcher } from "../../src/metadata/fetcher";
import { testApp } from "../support/app";

let requests = 0;
const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch(request) {
    requests++;
    const path = new URL(request.url).pathname;
    if (path === "/slow") return new Promise<Response>(() => {});
    if (path === "/plain") return new Response("just text", { headers: { "content-type": "text/plain" } });
    const n = path.slice(1) || "home";
    return new Response(
      `<!doctype html><html><head><title>Page ${n} &amp; more</title><meta name="description" content="About ${n}"></head><body></body></html>`,
      { headers: { "content-type": "text/html; charset=utf-8" } },
    );
  },
});
afterAll(() => server.stop(true));
const base = `http://127.0.0.1:${server.port}`;

function app(allowPrivate: boolean) {
  return testApp({ config: { fetchAllowPrivate: allowPrivate }, deps: { metadata: createMetadataFetcher({ allowPrivate, timeoutMs: 800 }) } });
}

describe("title and description from the destination", () => {
  test("an empty title and description are read from the page", async () => {
    const k = app(true);
    const u = await k.user();
    const { body } = await k.create(u.token, { long_url: `${base}/one` });
    expect(body.link.title).toBe("Page one & more");
    expect(body.link.description).toBe("About one");
  });

  test("what the user gave is never overwritten", async () => {
    const k = app(true);
    const u = await k.user();
    const { body } = await k.create(u.token, { long_url: `${base}/two`, title: "Mine" });
    expect(body.link.title).toBe("Mine");
    expect(body.link.description).toBe("About two");
  });

  test("multiple_urls get each page's own title", async () => {
    const k = app(true);
    const u = await k.user();
    const { body } = await k.create(u.token, { multiple_urls: [`${base}/a`, `${base}/b`, `${base}/c`] });
    expect(body.links.map((l: any) => l.title)).toEqual(["Page a & more", "Page b & more", "Page c & more"]);
  });

  test("a page that never answers or is not HTML leaves the fields empty and the link is made", async () => {
    const k = app(true);
    const u = await k.user();
    const started = performance.now();
    const slow = await k.create(u.token, { long_url: `${base}/slow` });
    expect(performance.now() - started).toBeLessThan(3000);
    expect(slow.status).toBe(200);
    expect(slow.body.link.title).toBeNull();
    const plain = await k.create(u.token, { long_url: `${base}/plain` });
    expect(plain.status).toBe(200);
    expect(plain.body.link.title).toBeNull();
  });

  test("without --fetch-allow-private a loopback destination is not fetched at all", async () => {
    const k = app(false);
    const u = await k.user();
    const before = requests;
    const { status, body } = await k.create(u.token, { long_url: `${base}/private` });
    expect(status).toBe(200);
    expect(body.link.title).toBeNull();
    expect(requests).toBe(before);
  });
});
