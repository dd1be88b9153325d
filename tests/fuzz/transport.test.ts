// The same checks over a real socket: what Bun's HTTP server does with 64 KB headers, 10k paths and
// request lines no client library would send, and that the server still serves afterwards.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { serveApp } from "../../src/app";
import { problemsOf, type Case } from "../support/fuzz";
import { fuzzFixture, type Fixture } from "../support/fuzz-targets";

let f: Fixture;
let origin: string;
const failures: string[] = [];
let cases = 0;

beforeAll(async () => {
  f = await fuzzFixture();
  serveApp(f.k.app, f.k.deps, { port: 0, hostname: "127.0.0.1" });
  origin = `http://127.0.0.1:${f.k.app.server!.port}`;
});

afterAll(async () => {
  await f.k.app.stop(true);
  console.log(`[fuzz] transport: ${cases} distinct cases over a real socket, ${failures.length} failures`);
});

/** Writes `data` as is and reads until the server closes (every raw request says Connection: close) or 1 s passes. */
function rawRequest(data: string | Uint8Array): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Uint8Array[] = [];
    const done = (suffix: string) => resolve(Buffer.concat(chunks).toString("latin1") + suffix);
    // A body shorter than its Content-Length is waited for; a second is plenty for every other case.
    const timer = setTimeout(() => done("[no answer within 1 s]"), 1000);
    void Bun.connect({
      hostname: "127.0.0.1",
      port: f.k.app.server!.port!,
      socket: {
        open(socket) {
          socket.write(data);
        },
        data(_socket, chunk) {
          chunks.push(new Uint8Array(chunk));
        },
        close() {
          clearTimeout(timer);
          done("");
        },
        error() {
          clearTimeout(timer);
          done("");
        },
      },
    });
  });
}

const bigValue = "x".repeat(64 * 1024);

test("64 KB headers, 10k and 100k paths over HTTP are answered below 500", async () => {
  const requests: Case[] = [
    { route: "64 KB header", method: "GET", path: "/fuzz-target", headers: { "x-big": bigValue } },
    { route: "64 KB authorization", method: "GET", path: "/api/me", headers: { authorization: `Bearer ${bigValue}` } },
    { route: "64 KB cookie", method: "POST", path: "/api/links/create", headers: { cookie: `kurz_session=${bigValue}` }, body: "{}" },
    { route: "64 KB user-agent", method: "GET", path: "/fuzz-target", headers: { "user-agent": bigValue } },
    { route: "8 KB user-agent", method: "GET", path: "/fuzz-target", headers: { "user-agent": bigValue.slice(0, 8192) } },
    { route: "10k path", method: "GET", path: `/${"a".repeat(10_000)}` },
    { route: "10k API path", method: "GET", path: `/api/links/${"1".repeat(10_000)}`, headers: f.auth(f.owner, "bearer").headers },
    { route: "100k path", method: "GET", path: `/${"a".repeat(100_000)}` },
    { route: "10k query", method: "GET", path: `/fuzz-target?${"q".repeat(10_000)}` },
    { route: "200 headers", method: "GET", path: "/api/me", headers: { ...Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`x-h${i}`, "v"])), ...f.auth(f.owner, "bearer").headers } },
    { route: "1 MB + 1 body", method: "POST", path: "/api/links/create", headers: { ...f.auth(f.owner, "bearer").headers, "content-type": "application/json" }, body: `{"long_url":"https://example.com/","title":"${"x".repeat(1024 * 1024)}"}` },
  ];
  for (const c of requests) {
    cases++;
    const response = await fetch(`${origin}${c.path}`, { method: c.method, headers: c.headers, body: c.body, redirect: "manual" });
    const answer = { status: response.status, contentType: response.headers.get("content-type") ?? "", text: await response.text() };
    // Bun answers 431 / 414 itself, before kurz sees the request; those are plain text by design.
    const problems = answer.status === 431 || answer.status === 414 ? [] : problemsOf(c, answer);
    if (answer.status >= 500) problems.push(`status ${answer.status}`);
    for (const p of new Set(problems)) failures.push(`${c.route}: ${p}`);
  }
  expect(failures).toEqual([]);
});

// Request lines and headers as bytes. Many are answered (400) or dropped by Bun's HTTP parser before kurz runs.
const rawCases: { name: string; data: string | Uint8Array }[] = [
  { name: "NUL in the path", data: "GET /%00 HTTP/1.1" },
  { name: "encoded traversal", data: "GET /..%2f..%2f..%2fetc%2fpasswd HTTP/1.1" },
  { name: "plain traversal", data: "GET /../../etc/passwd HTTP/1.1" },
  { name: "traversal into the API", data: "GET /fuzz-target/../api/me HTTP/1.1" },
  { name: "dot segment after an API path", data: "GET /api/links/.. HTTP/1.1" },
  { name: "truncated percent-encoding", data: "GET /%E0%A4%A HTTP/1.1" },
  { name: "overlong UTF-8", data: "GET /%C0%AF HTTP/1.1" },
  { name: "raw invalid UTF-8 in the path", data: new Uint8Array([...Buffer.from("GET /"), 0xff, 0xfe, 0xc3, 0x28, ...Buffer.from(" HTTP/1.1")]) },
  { name: "raw UTF-8 in the path", data: new Uint8Array([...Buffer.from("GET /"), ...Buffer.from("ünï"), ...Buffer.from(" HTTP/1.1")]) },
  { name: "absolute-form target", data: "GET http://evil.example/fuzz-target HTTP/1.1" },
  { name: "asterisk target", data: "GET * HTTP/1.1" },
  { name: "garbage request line", data: "GARBAGE" },
  { name: "HTTP/1.0", data: "GET /fuzz-target HTTP/1.0" },
  { name: "lower-case method", data: "get /fuzz-target HTTP/1.1" },
  { name: "unknown method", data: "BREW /fuzz-target HTTP/1.1" },
  { name: "CRLF in the query", data: "GET /fuzz-target?a=%0d%0aSet-Cookie:%20x=1 HTTP/1.1" },
  { name: "API path, query api_token twice", data: "GET /api/links?api_token=a&api_token=b HTTP/1.1" },
];

const rawHeaders: { name: string; headers: string; body?: string }[] = [
  { name: "duplicate Host", headers: "Host: a.example\r\nHost: b.example" },
  { name: "no Host", headers: "" },
  { name: "header without colon", headers: "Host: localhost\r\nBroken header" },
  { name: "obs-fold", headers: "Host: localhost\r\nX-A: a\r\n  folded" },
  { name: "duplicate Content-Length", headers: "Host: localhost\r\nContent-Length: 2\r\nContent-Length: 3", body: "{}" },
  { name: "bad chunked body", headers: "Host: localhost\r\nTransfer-Encoding: chunked", body: "zz\r\n{}\r\n0\r\n\r\n" },
  { name: "Content-Length and chunked", headers: "Host: localhost\r\nContent-Length: 2\r\nTransfer-Encoding: chunked", body: "2\r\n{}\r\n0\r\n\r\n" },
  { name: "short body", headers: "Host: localhost\r\nContent-Type: application/json\r\nContent-Length: 100", body: '{"long_url":' },
  { name: "space before colon", headers: "Host : localhost" },
  { name: "high bytes in a header", headers: "Host: localhost\r\nUser-Agent: \u00ff\u00fe\u0080" },
];

/** The status of a raw answer, or null when the server closed without one (fine: no 500, no crash). */
const statusOf = (answer: string) => {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(answer);
  return m ? Number(m[1]) : null;
};

test("malformed request lines and headers over a raw socket are answered below 500", async () => {
  for (const c of rawCases) {
    cases++;
    const prefix = typeof c.data === "string" ? Buffer.from(c.data, "latin1") : c.data;
    const answer = await rawRequest(new Uint8Array([...prefix, ...Buffer.from("\r\nHost: localhost\r\nConnection: close\r\n\r\n")]));
    const status = statusOf(answer);
    if (status !== null && status >= 500) failures.push(`raw ${c.name}: status ${status}`);
    if (/node_modules|\.ts:|\bat \//.test(answer)) failures.push(`raw ${c.name}: stack trace in the answer`);
  }
  for (const c of rawHeaders) {
    cases++;
    const method = c.body === undefined ? "GET /fuzz-target" : "POST /api/links/create";
    const answer = await rawRequest(`${method} HTTP/1.1\r\n${c.headers ? `${c.headers}\r\n` : ""}Connection: close\r\n\r\n${c.body ?? ""}`);
    const status = statusOf(answer);
    if (status !== null && status >= 500) failures.push(`raw ${c.name}: status ${status}`);
    if (/node_modules|\.ts:|\bat \//.test(answer)) failures.push(`raw ${c.name}: stack trace in the answer`);
  }
  expect(failures).toEqual([]);
});

test("afterwards the server still creates a link and redirects it over HTTP", async () => {
  const destination = `https://canary.example/${crypto.randomUUID()}`;
  const created = await fetch(`${origin}/api/links/create`, {
    method: "POST", headers: { authorization: `Bearer ${f.canary.token}`, "content-type": "application/json" }, body: JSON.stringify({ long_url: destination }),
  });
  expect(created.status).toBe(200);
  const { link } = (await created.json()) as { link: { hash: string } };
  const visit = await fetch(`${origin}/${link.hash}`, { redirect: "manual" });
  expect(visit.status).toBe(302);
  expect(visit.headers.get("location")).toBe(destination);
});
