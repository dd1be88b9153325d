import { afterAll, afterEach, beforeAll, describe, expect, spyOn, test } from "bun:test";
import { DEFAULT_USER_AGENT, resolvePinnedTargets, safeFetch, type SafeFetchOptions } from "../../src/metadata/safe-fetch";
import { endless, type Fixture, html, never, redirect, stalls, startFixture } from "./fixture-server";

const text = (body: Uint8Array | null) => (body ? new TextDecoder().decode(body) : null);
const local: SafeFetchOptions = { allowPrivate: true, timeoutMs: 1000 };

let site: Fixture;
let other: Fixture; // another port on the same address

beforeAll(() => {
  other = startFixture({ "/": () => html("<title>Other port</title>") });
  site = startFixture({
    "/": () => html("<title>Home</title>"),
    "/echo": (request) => html(`<title>${request.headers.get("host")}</title><meta name="ua" content="${request.headers.get("user-agent")}">`),
    "/json": () => new Response('{"title":"no"}', { headers: { "content-type": "application/json" } }),
    "/plain": () => new Response("<title>plain</title>", { headers: { "content-type": "text/plain" } }),
    "/untyped": () => new Response("<title>untyped</title>"),
    "/xhtml": () => html("<title>XHTML</title>", 200, "application/xhtml+xml; charset=utf-8"),
    "/gone": () => html("<title>Page not found</title>", 404),
    "/never": never,
    "/endless": endless("<html><head><title>Endless</title>"),
    "/endless-with-head": endless("<html><head><title>Short head</title></head><body>"),
    // `</head>` arrives in three pieces, 30 ms apart, and then the body never ends.
    "/split-head": () => {
      const pieces = ["<title>Split</title></h", "E", "ad><body>", ...Array<string>(1000).fill("<p>filler</p>")];
      return new Response(
        new ReadableStream<Uint8Array>({
          async pull(controller) {
            await Bun.sleep(30);
            const piece = pieces.shift();
            if (piece === undefined) controller.close();
            else controller.enqueue(new TextEncoder().encode(piece));
          },
        }),
        { headers: { "content-type": "text/html" } },
      );
    },
    "/stalls": stalls("<html><head><title>Stalled after the head</title>"),
    // /chain?n=3 → /chain?n=2 → … → /chain?n=0, a page
    "/chain": (request) => {
      const n = Number(new URL(request.url).searchParams.get("n"));
      return n > 0 ? redirect(`/chain?n=${n - 1}`) : html(`<title>End of chain</title>`);
    },
    "/to": (request) => redirect(new URL(request.url).searchParams.get("location")!, Number(new URL(request.url).searchParams.get("status") ?? 302)),
  });
});

afterAll(() => {
  site.stop();
  other.stop();
});

afterEach(() => {
  site.hits.length = 0;
  site.hosts.length = 0;
  other.hits.length = 0;
});

const to = (location: string, status = 302) => site.url(`/to?status=${status}&location=${encodeURIComponent(location)}`);

describe("with --fetch-allow-private (local fixtures)", () => {
  test("an HTML page comes back with its status, type and body", async () => {
    const page = await safeFetch(site.url("/"), local);
    expect(page).not.toBeNull();
    expect(page!.status).toBe(200);
    expect(page!.contentType).toBe("text/html; charset=utf-8");
    expect(text(page!.body)).toBe("<title>Home</title>");
    expect(page!.truncated).toBe(false);
  });

  test("an honest User-Agent is sent", async () => {
    const page = await safeFetch(site.url("/echo"), local);
    expect(text(page!.body)).toContain(`content="${DEFAULT_USER_AGENT}"`);
    expect(DEFAULT_USER_AGENT).toMatch(/^kurz\/\d+\.\d+\.\d+ \(\+link preview\)$/);
  });

  test("a host name is resolved by kurz, the connection goes to that address, and Host keeps the name", async () => {
    const asked: string[] = [];
    const page = await safeFetch(`http://pinned.test:${site.port}/echo`, {
      ...local,
      lookup: async (host) => (asked.push(host), ["127.0.0.1"]),
    });
    // The system resolver knows no pinned.test: the answer proves the request went to the checked address.
    expect(text(page!.body)).toContain(`<title>pinned.test:${site.port}</title>`);
    expect(asked).toEqual(["pinned.test"]);
  });

  test("a non-HTML answer is not read", async () => {
    for (const path of ["/json", "/plain", "/untyped"]) {
      const page = await safeFetch(site.url(path), local);
      expect(page!.status).toBe(200);
      expect(page!.body).toBeNull();
    }
  });

  test("application/xhtml+xml counts as HTML", async () => {
    expect(text((await safeFetch(site.url("/xhtml"), local))!.body)).toBe("<title>XHTML</title>");
  });

  // Decision: an error page's title ("Page not found", a bot challenge's "Just a moment…") is not the
  // destination's title, so only a 2xx body is read; the status still comes back.
  test("a 404 answers with its status but without a body", async () => {
    const page = await safeFetch(site.url("/gone"), local);
    expect(page!.status).toBe(404);
    expect(page!.body).toBeNull();
  });

  test("redirects are followed, relative ones against the page's own URL", async () => {
    const page = await safeFetch(site.url("/chain?n=3"), local);
    expect(text(page!.body)).toBe("<title>End of chain</title>");
    expect(page!.url).toBe(site.url("/chain?n=0"));
    expect(site.hits).toEqual(["/chain?n=3", "/chain?n=2", "/chain?n=1", "/chain?n=0"]);
  });

  test("301, 303, 307 and 308 are followed like 302", async () => {
    for (const status of [301, 303, 307, 308]) {
      const page = await safeFetch(to(site.url("/"), status), local);
      expect(text(page!.body)).toBe("<title>Home</title>");
    }
  });

  test("5 redirects are followed and a 6th is refused", async () => {
    expect(text((await safeFetch(site.url("/chain?n=5"), local))!.body)).toBe("<title>End of chain</title>");
    site.hits.length = 0;
    expect(await safeFetch(site.url("/chain?n=6"), local)).toBeNull();
    expect(site.hits).toHaveLength(6); // the 6th redirect's target is never asked for
    expect(await safeFetch(site.url("/chain?n=2"), { ...local, maxRedirects: 1 })).toBeNull();
  });

  test("a redirect to a scheme other than http(s) is refused", async () => {
    for (const location of ["file:///etc/passwd", "ftp://127.0.0.1/", "javascript:alert(1)", "data:text/html,<title>x</title>", "gopher://127.0.0.1:6379/_INFO"]) {
      expect(await safeFetch(to(location), local)).toBeNull();
    }
  });

  test("a URL that is not http(s) is refused", async () => {
    for (const url of ["file:///etc/passwd", "ftp://127.0.0.1/", "not a url", "", "http://"]) {
      expect(await safeFetch(url, local)).toBeNull();
    }
  });

  test("a redirect to a port other than 80, 443 and the URL's own is refused", async () => {
    expect(await safeFetch(to(other.url("/")), local)).toBeNull();
    expect(other.hits).toHaveLength(0);
    // The URL's own port is fine when the user names it.
    expect(text((await safeFetch(other.url("/"), local))!.body)).toBe("<title>Other port</title>");
  });

  test("a page that never ends is cut at 1 MB and still has its head", async () => {
    const page = await safeFetch(site.url("/endless"), local);
    expect(page!.body!.byteLength).toBe(1024 * 1024);
    expect(page!.truncated).toBe(true);
    expect(text(page!.body)!.startsWith("<html><head><title>Endless</title>")).toBe(true);
  });

  test("stopAfterHead stops reading once the head is complete", async () => {
    const page = await safeFetch(site.url("/endless-with-head"), { ...local, stopAfterHead: true });
    expect(page!.body!.byteLength).toBeLessThan(128 * 1024);
    expect(text(page!.body)).toContain("</head>");
  });

  test("stopAfterHead finds a </head> split across chunks", async () => {
    const page = await safeFetch(site.url("/split-head"), { ...local, stopAfterHead: true });
    expect(text(page!.body)).toBe("<title>Split</title></hEad>");
  });

  test("a body that stalls after its head returns what arrived when the time is up", async () => {
    const started = performance.now();
    const page = await safeFetch(site.url("/stalls"), { ...local, timeoutMs: 300 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(text(page!.body)).toBe("<html><head><title>Stalled after the head</title>");
    expect(page!.truncated).toBe(true);
  });

  test("a page that never answers gives null when the time is up", async () => {
    const started = performance.now();
    expect(await safeFetch(site.url("/never"), { ...local, timeoutMs: 300 })).toBeNull();
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1000);
  });

  test("the default time bound is 3 seconds", async () => {
    const started = performance.now();
    expect(await safeFetch(site.url("/never"), { allowPrivate: true })).toBeNull();
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(2950);
    expect(elapsed).toBeLessThan(3600);
  });

  test("one time budget covers every hop: slow redirects add up", async () => {
    const slow = startFixture({
      "/slow": async (request) => {
        await Bun.sleep(150);
        const n = Number(new URL(request.url).searchParams.get("n"));
        return n > 0 ? redirect(`/slow?n=${n - 1}`) : html("<title>late</title>");
      },
    });
    try {
      // 4 hops × 150 ms each fit in 1 s, but not in 400 ms.
      expect(await safeFetch(slow.url("/slow?n=3"), local)).not.toBeNull();
      expect(await safeFetch(slow.url("/slow?n=3"), { ...local, timeoutMs: 400 })).toBeNull();
    } finally {
      slow.stop();
    }
  });

  test("a caller's signal aborts the fetch", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    expect(await safeFetch(site.url("/never"), { ...local, signal: controller.signal })).toBeNull();
    expect(performance.now() - started).toBeLessThan(600);
  });

  test("a lookup that fails or finds nothing gives null", async () => {
    expect(await safeFetch(`http://nowhere.test:${site.port}/`, { ...local, lookup: async () => [] })).toBeNull();
    expect(await safeFetch(`http://nowhere.test:${site.port}/`, { ...local, lookup: () => Promise.reject(new Error("ENOTFOUND")) })).toBeNull();
    const hanging = performance.now();
    expect(await safeFetch(`http://nowhere.test:${site.port}/`, { ...local, timeoutMs: 200, lookup: () => new Promise(() => {}) })).toBeNull();
    expect(performance.now() - hanging).toBeLessThan(700);
  });
});

describe("without --fetch-allow-private", () => {
  const port = () => site.port;
  const loopbackSpellings = () => [
    `http://127.0.0.1:${port()}/`,
    `http://127.1:${port()}/`,
    `http://0x7f000001:${port()}/`,
    `http://2130706433:${port()}/`,
    `http://0177.0.0.1:${port()}/`,
    `http://0x7f.0.0.1:${port()}/`,
    `http://[::ffff:127.0.0.1]:${port()}/`,
    `http://[::ffff:7f00:1]:${port()}/`,
    `http://[::1]:${port()}/`,
    `http://[::127.0.0.1]:${port()}/`,
    `http://0.0.0.0:${port()}/`,
    `http://0:${port()}/`,
    `http://localhost:${port()}/`,
    `http://localhost.:${port()}/`,
    `http://LOCALHOST:${port()}/`,
    `http://user:secret@127.0.0.1:${port()}/`,
    `https://127.0.0.1:${port()}/`,
    `http://%31%32%37.0.0.1:${port()}/`,
  ];

  test("every loopback spelling is refused before any connection", async () => {
    const fetchSpy = spyOn(globalThis, "fetch");
    try {
      const looked: string[] = [];
      // Names resolve to loopback, as they would on the server; the system resolver is not asked.
      const lookup = async (host: string) => (looked.push(host), ["127.0.0.1"]);
      for (const url of loopbackSpellings()) {
        expect({ url, page: await safeFetch(url, { allowPrivate: false, lookup }) }).toEqual({ url, page: null });
      }
      // And with the system's own resolver (localhost is in /etc/hosts).
      expect(await safeFetch(`http://localhost:${port()}/`, { allowPrivate: false })).toBeNull();
      expect(site.hits).toHaveLength(0);
      expect(fetchSpy).not.toHaveBeenCalled();
      // Only names were looked up: IP literals in any spelling were recognised as such.
      expect(looked).toEqual(["localhost", "localhost.", "localhost"]);
    } finally {
      fetchSpy.mockRestore();
    }
  });

  test("the same URLs are fetched once the flag lifts the address rule (the fixture is reachable)", async () => {
    expect(text((await safeFetch(`http://127.1:${port()}/`, local))!.body)).toBe("<title>Home</title>");
    expect(text((await safeFetch(`http://0x7f000001:${port()}/`, local))!.body)).toBe("<title>Home</title>");
    expect(site.hits).toHaveLength(2);
  });

  test("a name that resolves to a private or metadata address is refused before any connection", async () => {
    const fetchSpy = spyOn(globalThis, "fetch");
    try {
      for (const address of ["10.0.0.7", "169.254.169.254", "100.100.100.200", "fd00:ec2::254", "::ffff:192.168.1.1", "::1"]) {
        expect(await safeFetch(`http://intranet.test:${port()}/`, { allowPrivate: false, lookup: async () => [address] })).toBeNull();
      }
      expect(fetchSpy).not.toHaveBeenCalled();
    } finally {
      fetchSpy.mockRestore();
    }
  });

  test("a name that resolves to public and private addresses at once is refused", async () => {
    const fetchSpy = spyOn(globalThis, "fetch");
    try {
      const lookup = async () => ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "127.0.0.1"];
      expect(await safeFetch(`http://mixed.test:${port()}/`, { allowPrivate: false, lookup })).toBeNull();
      expect(fetchSpy).not.toHaveBeenCalled();
      expect(site.hits).toHaveLength(0);
    } finally {
      fetchSpy.mockRestore();
    }
  });

  test("a public name is pinned to its checked address, with the Host and TLS name of the original", async () => {
    const never = new AbortController().signal;
    const targets = await resolvePinnedTargets(new URL("https://user:pw@www.example.com:8443/a/b?q=1#frag"), () => true, async () => ["93.184.215.14", "::ffff:93.184.215.15", "2606:2800::1"], never);
    expect(targets).toEqual([
      { fetchUrl: "https://93.184.215.14:8443/a/b?q=1", host: "www.example.com:8443", serverName: "www.example.com", address: "93.184.215.14" },
      { fetchUrl: "https://93.184.215.15:8443/a/b?q=1", host: "www.example.com:8443", serverName: "www.example.com", address: "93.184.215.15" },
      { fetchUrl: "https://[2606:2800::1]:8443/a/b?q=1", host: "www.example.com:8443", serverName: "www.example.com", address: "2606:2800::1" },
    ]);
    const plain = await resolvePinnedTargets(new URL("http://example.com./"), () => true, async () => ["93.184.215.14"], never);
    expect(plain).toEqual([{ fetchUrl: "http://93.184.215.14/", host: "example.com.", serverName: null, address: "93.184.215.14" }]);
    // An IP literal is connected to as is: no lookup, no TLS name (the certificate must name the IP).
    const literal = await resolvePinnedTargets(new URL("https://[2606:2800::1]/"), () => true, () => Promise.reject(new Error("not asked")), never);
    expect(literal).toEqual([{ fetchUrl: "https://[2606:2800::1]/", host: "[2606:2800::1]", serverName: null, address: "2606:2800::1" }]);
  });

  describe("a redirect is checked at every hop", () => {
    // The fixture stands in for a public site: a policy that allows exactly its address plays the
    // public internet, and a second server on 127.0.0.2 (same port) plays the private network.
    let internal: Fixture;
    beforeAll(() => {
      internal = startFixture({ "/secret": () => html("<title>internal admin</title>") }, { hostname: "127.0.0.2", port: site.port });
    });
    afterAll(() => internal.stop());
    afterEach(() => void (internal.hits.length = 0));

    const onlyTheSite = (ip: string) => ip === "127.0.0.1";

    test("a redirect to a private address is refused at the hop, before connecting", async () => {
      const page = await safeFetch(to(`http://127.0.0.2:${site.port}/secret`), { allowPrivate: false, isAllowedAddress: onlyTheSite });
      expect(page).toBeNull();
      expect(site.hits).toHaveLength(1);
      expect(internal.hits).toHaveLength(0);
    });

    test("a redirect to a name that resolves privately is refused at the hop", async () => {
      const lookup = async (host: string) => (host === "metadata.test" ? ["169.254.169.254"] : ["127.0.0.1"]);
      expect(await safeFetch(to(`http://metadata.test:${site.port}/latest/meta-data/`), { allowPrivate: false, isAllowedAddress: onlyTheSite, lookup })).toBeNull();
      expect(await safeFetch(to(`http://[::ffff:127.0.0.2]:${site.port}/secret`), { allowPrivate: false, isAllowedAddress: onlyTheSite })).toBeNull();
      expect(internal.hits).toHaveLength(0);
    });

    test("the same redirect is followed when the policy allows the target (the target is reachable)", async () => {
      const page = await safeFetch(to(`http://127.0.0.2:${site.port}/secret`), { allowPrivate: false, isAllowedAddress: (ip) => ip.startsWith("127.0.0.") });
      expect(text(page!.body)).toBe("<title>internal admin</title>");
      expect(internal.hits).toEqual(["/secret"]);
    });
  });
});
