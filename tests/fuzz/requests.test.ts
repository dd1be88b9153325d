// Everything around the body: query fields and duplicated parameters, path ids and slugs, tokens,
// 64 KB headers, 10k-character paths — with a fixed seed, on the default app and one behind a proxy.
import { afterAll, beforeAll, expect, test } from "bun:test";
import fc from "fast-check";
import { createsAndRedirects, FuzzRun, headerValue, hostileString, nastySegments, percentEncode, sample } from "../support/fuzz";
import { fuzzFixture, type Fixture } from "../support/fuzz-targets";

let f: Fixture;
let run: FuzzRun;

beforeAll(async () => {
  f = await fuzzFixture();
  run = new FuzzRun(f.k);
});

/** A query value as a client might write it: encoded, raw, bracketed, or missing. */
const queryValue = fc.oneof(
  { weight: 4, arbitrary: hostileString.map(percentEncode) },
  { weight: 1, arbitrary: fc.constantFrom("%ZZ", "%", "%E0%A4%A", "%00", "%ED%A0%80", "+", "%2B", "&", "=", "==", "a=b", "[]", "1%26page%3D2", "1#x", "1;2") },
);

const queryTargets: { route: string; path: () => string; fields: string[]; api: boolean; admin?: true }[] = [
  { route: "GET /api/links", path: () => "/api/links", fields: ["page", "per_page", "tag", "q"], api: true },
  { route: "GET /api/links/:id/stats", path: () => `/api/links/${f.linkId}/stats`, fields: ["from", "to"], api: true },
  { route: "GET /:slug/qr", path: () => "/fuzz-target/qr", fields: ["format", "size"], api: false },
  { route: "GET /api/links/:id/qr", path: () => `/api/links/${f.linkId}/qr`, fields: ["format", "size"], api: true },
  { route: "GET /:slug", path: () => "/fuzz-target", fields: ["utm_source", "q"], api: false },
  // No query fields: what they must do with any is ignore it.
  { route: "GET /api/me", path: () => "/api/me", fields: ["x"], api: true },
  { route: "GET /api/domains", path: () => "/api/domains", fields: ["page"], api: true },
  { route: "GET /api/pixels", path: () => "/api/pixels", fields: ["type"], api: true },
  { route: "GET /api/users", path: () => "/api/users", fields: ["q"], api: true, admin: true },
];

test("query fields survive hostile values, odd syntax and repetition", async () => {
  let salt = 100;
  for (const target of queryTargets) {
    const token = target.api ? `api_token=${(target.admin ? f.admin : f.owner).token}&` : "";
    for (const field of target.fields) {
      for (const value of sample(queryValue, 25, salt++)) {
        await run.run({ route: `${target.route} · ?${field}`, method: "GET", path: `${target.path()}?${token}${field}=${value}` });
      }
      for (const value of sample(queryValue, 4, salt++)) {
        for (const query of [`${field}=1&${field}=${value}`, `${field}=${value}&${field}=2`, `${field}[]=${value}`, `${field}[x]=${value}`, `${field}`, `${field}=`, `${field}=${value}&${field}`]) {
          await run.run({ route: `${target.route} · repeated ${field}`, method: "GET", path: `${target.path()}?${token}${query}` });
        }
      }
    }
    for (const query of ["&&&", "=", "=x", "?", "%", "__proto__=1", "__proto__[polluted]=1", "constructor[prototype][polluted]=1", "toString=1", "a[b][c][d][e]=1", `${"x".repeat(10_000)}=1`, `x=${"y".repeat(100_000)}`, Array.from({ length: 2000 }, (_, i) => `k${i}=${i}`).join("&")]) {
      await run.run({ route: `${target.route} · odd query`, method: "GET", path: `${target.path()}?${token}${query}` });
    }
  }
});

test("api_token values, repeated tokens and Authorization headers are 401/403, never worse", async () => {
  const good = f.owner.token;
  for (const value of sample(queryValue, 40, 200)) {
    await run.run({ route: "GET /api/links · ?api_token", method: "GET", path: `/api/links?api_token=${value}` });
  }
  for (const query of [`api_token=${good}&api_token=bad`, `api_token=bad&api_token=${good}`, `api_token=${good}&api_token=${good}`, `api_token[]=${good}`, `api_token=${good}%00`, `api_token=%20${good}`, "api_token=", "api_token", `API_TOKEN=${good}`, `api_token=${good}&page=1&page=2`, "page=1&page=2"]) {
    await run.run({ route: "GET /api/links · repeated api_token", method: "GET", path: `/api/links?${query}` });
  }
  for (const value of sample(headerValue, 40, 201)) {
    await run.run({ route: "GET /api/me · authorization", method: "GET", path: "/api/me", headers: { authorization: value } });
    await run.run({ route: "POST /api/links/create · cookie", method: "POST", path: "/api/links/create", headers: { cookie: value, "content-type": "application/json" }, body: '{"long_url":"https://example.com/"}' });
  }
  for (const value of sample(headerValue, 20, 202)) {
    // The session is right, the CSRF token is not.
    await run.run({
      route: "DELETE /api/links/:id · x-csrf-token", method: "DELETE", path: "/api/links/999999",
      headers: { cookie: `kurz_session=${f.owner.session}`, "x-csrf-token": value },
    });
  }
});

test("weird slugs on the redirect and QR routes are answered with a page", async () => {
  const slugs = [...nastySegments, "%00", "..%2f..", "%E0%A4%A", "%2e%2e%2fapi%2fme", "fuzz-target%00", "fuzz-target%20", "FUZZ-TARGET", "fuzz-target/", "fuzz-target;x", "fuzz-locked", ...sample(segment, 40, 400)];
  for (const slug of slugs) {
    for (const method of ["GET", "HEAD", "POST"]) {
      await run.run({
        route: `${method} /:slug · slug`, method, path: `/${slug}`,
        ...(method === "POST" ? { headers: { "content-type": "application/x-www-form-urlencoded" }, body: "password=x" } : {}),
      });
    }
    await run.run({ route: "GET /:slug/qr · slug", method: "GET", path: `/${slug}/qr?format=png` });
  }
});

const bigHeader = "x".repeat(64 * 1024);

test("64 KB header values and odd visitor headers on every kind of route", async () => {
  const names = ["authorization", "cookie", "host", "user-agent", "referer", "accept", "accept-language", "x-forwarded-for", "x-forwarded-proto", "cf-ipcountry", "x-csrf-token", "if-none-match", "x-custom"];
  const paths = ["/fuzz-target", "/fuzz-locked", "/fuzz-target/qr", "/api/links", "/api/me", "/admin/session", "/swagger", "/healthz"];
  for (const path of paths) {
    for (const name of names) {
      await run.run({ route: `GET ${path} · 64 KB ${name}`, method: "GET", path, headers: { [name]: bigHeader } });
    }
    for (const value of sample(headerValue, 6, 500 + path.length)) {
      for (const name of ["host", "user-agent", "referer", "cookie"]) {
        await run.run({ route: `GET ${path} · ${name}`, method: "GET", path, headers: { [name]: value } });
      }
    }
  }
  // Many headers at once.
  const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`x-h${i}`, "v".repeat(100)]));
  await run.run({ route: "GET /fuzz-target · 500 headers", method: "GET", path: "/fuzz-target", headers: many });
  await run.run({ route: "GET /api/me · 500 headers", method: "GET", path: "/api/me", headers: { ...many, ...f.auth(f.owner, "bearer").headers } });
});

test("10k-character paths and queries", async () => {
  const long = "a".repeat(10_000);
  const paths = [`/${long}`, `/${long}/qr`, `/api/${long}`, `/api/links/${long}`, `/api/links/${"9".repeat(10_000)}`, `/admin/${long}`, `/swagger/${long}`,
    `/${"%2e%2e%2f".repeat(1000)}`, `/${"../".repeat(3000)}`, `/${"%00".repeat(3000)}`, `/${"%E2%80%AE".repeat(1000)}`, `/fuzz-target?${long}`, `/api/links?q=${long}`,
    `/${"a/".repeat(5000)}`, `/api${"/links".repeat(2000)}`, `//${long}`, `/fuzz-target/${long}`, `/api/links/1/stats/${long}`];
  for (const path of paths) {
    for (const method of ["GET", "POST", "DELETE"]) {
      await run.run({ route: `${method} long path`, method, path, headers: f.auth(f.owner, "bearer").headers });
    }
  }
});

test("behind a trusted proxy, forwarded addresses and CDN countries are read safely", async () => {
  const p = await fuzzFixture({ trustProxy: true });
  const proxied = new FuzzRun(p.k);
  const addresses = ["", "1.2.3.4", "1.2.3.4, 5.6.7.8", "::1", "::ffff:127.0.0.1", "999.1.1.1", "fe80::1%eth0", "unknown", "1.2.3.4:80", "[::1]:80", ",,,", bigHeader, "2001:db8::1", "0.0.0.0", "255.255.255.255", "1.2.3.4\t"];
  const values = [...addresses, ...sample(headerValue, 20, 600)];
  for (const [i, value] of values.entries()) {
    for (const name of ["x-forwarded-for", "cf-connecting-ip", "cf-ipcountry", "cloudfront-viewer-country", "x-forwarded-proto"]) {
      await proxied.run({ route: `GET /:slug · ${name}`, method: "GET", path: i % 2 ? "/fuzz-target" : "/fuzz-locked", headers: { [name]: value } });
      // A login costs an argon2 check (~100 ms): a few are enough to cover the address parsing there.
      if (i < 3) await proxied.run({ route: `POST /admin/login · ${name}`, method: "POST", path: "/admin/login", headers: { [name]: value, "content-type": "application/json" }, body: '{"email":"a@b.c","password":"x"}' });
    }
  }
  for (const c of proxied.failures.values()) run.failures.set(`proxy ${c.route} ${c.problem}`, c);
  for (const key of proxied.distinct) run.distinct.add(`proxy ${key}`);
  expect(await createsAndRedirects(p.k, p.canary.token)).toBeNull();
});

// Last: an id such as " 1" reaches the fixture's own link, domain and pixel and may delete them.
const idRoutes = (id: string): { route: string; method: string; path: string; body?: string }[] => [
  { route: "GET /api/links/:id", method: "GET", path: `/api/links/${id}` },
  { route: "PATCH /api/links/:id", method: "PATCH", path: `/api/links/${id}`, body: '{"title":"t"}' },
  { route: "DELETE /api/links/:id", method: "DELETE", path: `/api/links/${id}` },
  { route: "GET /api/links/:id/stats", method: "GET", path: `/api/links/${id}/stats` },
  { route: "GET /api/links/:id/qr", method: "GET", path: `/api/links/${id}/qr?format=png` },
  { route: "DELETE /api/domains/:id", method: "DELETE", path: `/api/domains/${id}` },
  { route: "DELETE /api/pixels/:id", method: "DELETE", path: `/api/pixels/${id}` },
  { route: "PATCH /api/users/:id", method: "PATCH", path: `/api/users/${id}`, body: '{"permissions":["api.access"]}' },
];

const segment = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...nastySegments) },
  { weight: 1, arbitrary: hostileString.filter((s) => s.length < 20_000).map(percentEncode) },
);

test("path ids of every kind are 404 or 422, never worse", async () => {
  for (const id of [...nastySegments, ...sample(segment, 30, 300)]) {
    for (const r of idRoutes(id)) {
      await run.run({
        route: `${r.route} · id`, method: r.method, path: r.path,
        headers: { ...f.auth(f.admin, "bearer").headers, ...(r.body ? { "content-type": "application/json" } : {}) }, body: r.body,
      });
    }
  }
});

afterAll(() => {
  console.log(`[fuzz] queries, paths and headers: ${run.distinct.size} distinct cases (seeded), ${run.failures.size} failure kinds`);
});

test("no query, path or header broke an answer", () => {
  if (run.failures.size) throw new Error(`${run.failures.size} kinds of failure:\n${run.report()}`);
  expect(run.distinct.size).toBeGreaterThanOrEqual(400);
});

test("afterwards the app still creates a link and redirects it", async () => {
  expect(await createsAndRedirects(f.k, f.canary.token)).toBeNull();
});

