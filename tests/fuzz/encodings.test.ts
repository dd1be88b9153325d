// Bodies that are not what they claim: truncated or invalid JSON, invalid UTF-8, other encodings and
// content types, lying Content-Length; and every route called with every other method.
import { afterAll, beforeAll, expect, test } from "bun:test";
import fc from "fast-check";
import { createsAndRedirects, FuzzRun, nested, sample, toJson, type Case } from "../support/fuzz";
import { allRoutes, bodyTargets, fuzzFixture, type Fixture } from "../support/fuzz-targets";

let f: Fixture;
let run: FuzzRun;

beforeAll(async () => {
  f = await fuzzFixture();
  run = new FuzzRun(f.k);
});

const bytes = (...values: number[]) => new Uint8Array(values);
const utf8 = (text: string) => new TextEncoder().encode(text);
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

/** Broken bodies, given a valid JSON text for the endpoint. */
function brokenBodies(valid: string): (string | Uint8Array<ArrayBuffer>)[] {
  const inside = valid.indexOf('":"') + 3;
  return [
    "", " ", "\n".repeat(100_000), "null", "true", "0", "-0", "1e400", '"text"', "[]", "[{}]", "{}", "{ }",
    "{", "}", "{{}}", "{}{}", "{} x", `${valid}x`, `${valid}${valid}`, `[${valid}]`, "{,}", '{"a"}', '{"a":}', '{:1}', "{'a':1}",
    '{"a":1,}', '{"a":NaN}', '{"a":Infinity}', '{"a":undefined}', '{"a":0x10}', '{"a":01}', '{"a":"\\x41"}', '{"a":"\\u12"}', '{"a":"\\uD800"}',
    '{"a":"tab\there"}', '{"a":"new\nline"}', '{"a":"nul\u0000"}', "/* comment */ {}", '{"a":1} // comment', "\uFEFF{}", `\uFEFF${valid}`,
    `{"a":"${"x".repeat(100_000)}"}`, "[".repeat(100_000), "{".repeat(100_000), nested(1000, "object").text, nested(10_000, "array").text,
    `{${Array.from({ length: 10_000 }, (_, i) => `"k${i}":${i}`).join(",")}}`, `{${Array(10_000).fill('"long_url":"https://example.com/"').join(",")}}`,
    '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}', "long_url=https%3A%2F%2Fexample.com", "<xml/>",
    "--x\r\nContent-Disposition: form-data; name=\"long_url\"\r\n\r\nhttps://example.com\r\n--x--\r\n", "--x\r\nbroken",
    bytes(0xff), bytes(0xc3, 0x28), bytes(0xe0, 0x80, 0x80), bytes(0xed, 0xa0, 0x80), bytes(0xf4, 0x90, 0x80, 0x80), bytes(0xc0, 0xaf), bytes(0x00),
    concat(utf8(valid.slice(0, inside)), bytes(0xff, 0xfe), utf8(valid.slice(inside))),
    concat(utf8(valid.slice(0, inside)), bytes(0xed, 0xa0, 0x80), utf8(valid.slice(inside))),
    concat(bytes(0xef, 0xbb, 0xbf), utf8(valid)), new Uint8Array(Buffer.from(valid, "utf16le")), concat(bytes(0xff, 0xfe), new Uint8Array(Buffer.from(valid, "utf16le"))),
    new Uint8Array(Buffer.from(valid, "latin1")), new Uint8Array(4096).fill(0xff),
  ];
}

const contentTypes = [
  "application/json", "application/json; charset=utf-8", "application/json; charset=utf-16", "application/json; charset=iso-8859-1", "APPLICATION/JSON",
  "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "multipart/form-data", "application/xml",
  "application/octet-stream", "application/jsonx", "*/*", "application/json; charset=\"", ";", "x".repeat(64 * 1024), "",
];

test("every body endpoint survives broken bodies under every content type", async () => {
  let salt = 0;
  for (const target of bodyTargets) {
    const valid = toJson(target.base(f, ""));
    const bodies = brokenBodies(valid);
    // Each body with a few content types (all of them would be ~1500 requests for little more).
    const truncations = sample(fc.nat({ max: valid.length - 1 }), 8, salt++).map((at) => valid.slice(0, at));
    for (const [i, body] of [...bodies, ...truncations].entries()) {
      for (const type of sample(fc.constantFrom(...contentTypes), 2, salt++ + i)) {
        const headers: Record<string, string> = type ? { "content-type": type } : {};
        const path = target.path(f);
        if (target.actor) {
          const a = f.auth(target.actor(f), i % 2 ? "bearer" : "cookie");
          Object.assign(headers, a.headers);
        }
        await run.run({ route: `${target.route} · broken body`, method: target.method, path, headers, body });
      }
    }
  }
});

test("endpoints that take no body ignore or refuse a broken one", async () => {
  // The session (not the token) authenticates here, so that POST /api/me/token cannot lock the run out.
  const cookie = f.auth(f.owner, "cookie").headers;
  const targets = [
    { route: "POST /api/me/token", method: "POST", path: "/api/me/token", headers: cookie },
    { route: "DELETE /api/links/:id", method: "DELETE", path: "/api/links/999999", headers: cookie },
    { route: "DELETE /api/domains/:id", method: "DELETE", path: "/api/domains/999999", headers: cookie },
    { route: "DELETE /api/pixels/:id", method: "DELETE", path: "/api/pixels/999999", headers: cookie },
    { route: "POST /admin/logout", method: "POST", path: "/admin/logout", headers: {} },
    { route: "POST /:slug", method: "POST", path: "/fuzz-target", headers: {} },
  ];
  for (const [t, target] of targets.entries()) {
    for (const [i, body] of brokenBodies("{\"a\":\"b\"}").entries()) {
      const type = contentTypes[(i + t) % contentTypes.length]!;
      await run.run({ route: `${target.route} · broken body`, method: target.method, path: target.path, headers: { ...target.headers, ...(type ? { "content-type": type } : {}) }, body });
    }
  }
});

test("a Content-Length that lies is refused or ignored, never a 500", async () => {
  const valid = JSON.stringify({ long_url: "https://example.com/" });
  for (const length of ["0", "1", "99999999", "1048577", "-1", "abc", "1e3", " 12", "18446744073709551616", ""]) {
    await run.run({
      route: "POST /api/links/create · content-length", method: "POST", path: "/api/links/create",
      headers: { ...f.auth(f.owner, "bearer").headers, "content-type": "application/json", "content-length": length }, body: valid,
    });
  }
});

const methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PROPFIND", "FOO", "get", "M-SEARCH"];

test("every route answers every other method without a 500", async () => {
  const body = JSON.stringify({ long_url: "https://example.com/m" });
  for (const route of allRoutes(f)) {
    for (const method of methods) {
      if (method === route.method) continue;
      const hasBody = method !== "GET" && method !== "HEAD" && method !== "get";
      const c: Case = {
        route: `${route.method} ${route.path} · method ${method}`, method, path: route.path,
        headers: { ...f.auth(f.admin, "bearer").headers, ...(hasBody ? { "content-type": "application/json" } : {}) },
        ...(hasBody ? { body } : {}),
      };
      await run.run(c);
    }
  }
});

afterAll(() => {
  console.log(`[fuzz] encodings and methods: ${run.distinct.size} distinct cases (seeded), ${run.failures.size} failure kinds`);
});

test("no broken body or wrong method broke an answer", () => {
  if (run.failures.size) throw new Error(`${run.failures.size} kinds of failure:\n${run.report()}`);
  expect(run.distinct.size).toBeGreaterThanOrEqual(400);
});

test("afterwards the app still creates a link and redirects it", async () => {
  expect(await createsAndRedirects(f.k, f.canary.token)).toBeNull();
});
