// Minimal cases the fuzz suite found, one test each, so that a fix stays fixed.
import { describe, expect, test } from "bun:test";
import { serveApp } from "../../src/app";
import { envelopeProblems } from "../support/fuzz";
import { testApp } from "../support/app";

async function setup() {
  const k = testApp({ config: { apiRateLimit: 0 } });
  const u = await k.user();
  const post = (path: string, body: string, method = "POST") =>
    k.handle(path, { method, headers: { authorization: `Bearer ${u.token}`, "content-type": "application/json" }, body });
  return { k, u, post };
}

/** The answer's status and JSON body; a throw out of app.handle is what a client sees as a 500. */
async function answer(response: Promise<Response>) {
  const r = await response;
  return { status: r.status, body: (await r.json()) as { status: string; messages?: Record<string, string[]> } };
}

describe("body and query keys named like Object.prototype members (found by bodies.test.ts)", () => {
  const names = ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"];

  for (const name of names) {
    test(`an unknown body key "${name}" is ignored on create, as any unknown field is`, async () => {
      const { post } = await setup();
      const r = await answer(post("/api/links/create", `{"long_url":"https://example.com/","${name}":1}`));
      expect(r.status).toBe(200);
      expect(r.body.status).toBe("success");
    });
  }

  test("an unknown body key on every other body endpoint is never a 500", async () => {
    const { k, u, post } = await setup();
    const admin = await k.user({ admin: true });
    const asAdmin = (path: string, body: string, method = "POST") =>
      k.handle(path, { method, headers: { authorization: `Bearer ${admin.token}`, "content-type": "application/json" }, body });
    const link = await k.create(u.token, { long_url: "https://example.com/" });
    const answers = [
      await answer(post(`/api/links/${link.body.link.id}`, '{"title":"t","constructor":1}', "PATCH")),
      await answer(post("/api/domains", '{"host":"go.example.com","constructor":1}')),
      await answer(post("/api/pixels", '{"name":"n","type":"facebook","pixel_id":"1234567890123456","toString":1}')),
      await answer(post("/api/me/password", '{"current_password":"x","new_password":"yyyyyyyy","valueOf":1}')),
      await answer(asAdmin("/api/users", '{"email":"new@example.com","password":"long enough","hasOwnProperty":1}')),
      await answer(asAdmin(`/api/users/${u.id}`, '{"disabled":false,"constructor":1}', "PATCH")),
      await answer(k.handle("/admin/login", { method: "POST", headers: { "content-type": "application/json" }, body: '{"email":"a@b.c","password":"x","constructor":1}' })),
    ];
    for (const r of answers) {
      expect(r.status).toBeLessThan(500);
      if (r.status >= 400) expect(envelopeProblems(r.body)).toEqual([]);
    }
  });

  test("an unknown query parameter named constructor is ignored on GET /api/links and the stats", async () => {
    const { k, u } = await setup();
    const link = await k.create(u.token, { long_url: "https://example.com/" });
    for (const path of ["/api/links?constructor=1", "/api/links?toString=1", `/api/links/${link.body.link.id}/stats?__proto__=1`]) {
      const r = await answer(k.handle(`${path}&api_token=${u.token}`));
      expect(r.status).toBe(200);
    }
  });

  test("an unknown query parameter named toString on the QR routes is ignored", async () => {
    const { k, u } = await setup();
    const link = await k.create(u.token, { long_url: "https://example.com/", alias: "qr-me" });
    expect(link.status).toBe(200);
    for (const path of ["/qr-me/qr?toString=1", `/api/links/${link.body.link.id}/qr?valueOf=1&api_token=${u.token}`]) {
      const r = await k.handle(path);
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toContain("image/svg+xml");
    }
  });

  test("over HTTP, the same body is answered below 500 and without a stack trace", async () => {
    const { k, u } = await setup();
    serveApp(k.app, k.deps, { port: 0, hostname: "127.0.0.1" });
    try {
      const r = await fetch(`http://127.0.0.1:${k.app.server!.port}/api/links/create`, {
        method: "POST", headers: { authorization: `Bearer ${u.token}`, "content-type": "application/json" }, body: '{"long_url":"https://example.com/","constructor":1}',
      });
      const text = await r.text();
      expect(r.status).toBeLessThan(500);
      expect(text).not.toContain("node_modules");
      expect(text).not.toMatch(/\.ts\b/);
    } finally {
      await k.app.stop(true);
    }
  });
});

describe("a field holding an object that cannot be turned into text (found by bodies.test.ts)", () => {
  test('{"long_url":{"toString":1}} is a 422 naming long_url, not a crash', async () => {
    const { post } = await setup();
    const r = await answer(post("/api/links/create", '{"long_url":{"toString":1}}'));
    expect(r.status).toBe(422);
    expect(envelopeProblems(r.body)).toEqual([]);
    expect(r.body.messages?.long_url).toBeArray();
  });

  test('a title of {"toString":[]} is a 422 naming title, not a crash', async () => {
    const { post } = await setup();
    const r = await answer(post("/api/links/create", '{"long_url":"https://example.com/","title":{"toString":[]}}'));
    expect(r.status).toBe(422);
    expect(r.body.messages?.title).toBeArray();
  });

  test("tags and a pixel type of {toString: 1} are 422s, not crashes", async () => {
    const { post } = await setup();
    const tags = await answer(post("/api/links/create", '{"long_url":"https://example.com/","tags":[{"toString":1}]}'));
    expect(tags.status).toBe(422);
    expect(envelopeProblems(tags.body)).toEqual([]);
    const pixel = await answer(post("/api/pixels", '{"name":"n","type":{"toString":1},"pixel_id":"1234567890123456"}'));
    expect(pixel.status).toBe(422);
    expect(envelopeProblems(pixel.body)).toEqual([]);
  });

  // Found by a random-seed run (seed 1288122514): a schema without its own error text makes Elysia print
  // the value while it builds the error, before onError runs.
  test('permissions [{"toString":1}] on POST and PATCH /api/users are 422s, not 500s', async () => {
    const { k, u } = await setup();
    const admin = await k.user({ admin: true });
    const asAdmin = (path: string, body: string, method: string) =>
      answer(k.handle(path, { method, headers: { authorization: `Bearer ${admin.token}`, "content-type": "application/json" }, body }));
    for (const r of [
      await asAdmin(`/api/users/${u.id}`, '{"permissions":[{"toString":1}]}', "PATCH"),
      await asAdmin("/api/users", '{"email":"new@example.com","password":"long enough","permissions":[{"toString":1}]}', "POST"),
    ]) {
      expect(r.status).toBe(422);
      expect(envelopeProblems(r.body)).toEqual([]);
    }
  });

  test('the admin login with an email of {"toString":1} is not a crash', async () => {
    const { k } = await setup();
    const r = await k.handle("/admin/login", { method: "POST", headers: { "content-type": "application/json" }, body: '{"email":{"toString":1},"password":"x"}' });
    expect(r.status).toBe(422);
  });
});

describe("tags with lone surrogates (found by bodies.test.ts)", () => {
  test('tags ["\\ud800"] on create are not a 500', async () => {
    const { post } = await setup();
    const r = await answer(post("/api/links/create", '{"long_url":"https://example.com/","tags":["\\ud800"]}'));
    expect(r.status).toBeLessThan(500);
    if (r.status >= 400) expect(envelopeProblems(r.body)).toEqual([]);
  });

  test('tags ["\\ufffd","\\udc00"] on PATCH are not a 500', async () => {
    const { k, u, post } = await setup();
    const link = await k.create(u.token, { long_url: "https://example.com/" });
    const r = await answer(post(`/api/links/${link.body.link.id}`, '{"tags":["\\ufffd","\\udc00"]}', "PATCH"));
    expect(r.status).toBeLessThan(500);
    if (r.status >= 400) expect(envelopeProblems(r.body)).toEqual([]);
  });
});

describe("the admin login's body is read as the API's is", () => {
  const login = (k: ReturnType<typeof testApp>, body: string, type = "application/json") =>
    k.handle("/admin/login", { method: "POST", headers: { "content-type": type }, body });

  test("a top-level array nested 50,000 deep is a quick 400, not a 500 that stalls the server", async () => {
    const { k } = await setup();
    const r = await answer(login(k, `${"[".repeat(50_000)}${"]".repeat(50_000)}`));
    expect(r.status).toBe(400);
    expect(r.body.messages).toEqual({ body: ["The request body is nested too deeply."] });
  });

  test("a body over 1 MB is refused with 413, and one that is not an object with 422", async () => {
    const { k } = await setup();
    const big = await login(k, JSON.stringify({ email: "a@b.c", password: "x".repeat(1024 * 1024) }));
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ status: "error", messages: { body: ["The request body may be at most 1 MB."] } });
    expect((await answer(login(k, "[1]"))).status).toBe(422);
  });

  test("another site's form cannot log a visitor in: a JSON login sent as text/plain or a form is refused", async () => {
    const { k, u } = await setup();
    const body = JSON.stringify({ email: u.email, password: "correct horse" });
    expect((await answer(login(k, body))).status).toBe(200);
    const plain = await login(k, body, "text/plain");
    expect(plain.status).toBe(415);
    expect(plain.headers.get("set-cookie")).toBeNull();
    expect((await login(k, new URLSearchParams({ email: u.email, password: "correct horse" }).toString(), "application/x-www-form-urlencoded")).status).toBe(400);
  });
});

test("a password form over 1 MB is refused with 413 before it is read", async () => {
  const { k, u } = await setup();
  const link = await k.create(u.token, { long_url: "https://example.com/", password: "secret" });
  const form = new URLSearchParams({ password: "x".repeat(1024 * 1024) }).toString();
  const r = await k.handle(`/${link.body.link.hash}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "content-length": String(form.length) }, body: form });
  expect(r.status).toBe(413);
});

describe("API paths the redirect routes catch (found by requests.test.ts)", () => {
  for (const path of ["/api?x=1", "/api/?x=1"]) {
    test(`PUT ${path} (a query after the bare API path) is the JSON 404 of the API`, async () => {
      const { k } = await setup();
      const r = await k.handle(path, { method: "PUT" });
      expect(r.status).toBe(404);
      expect(r.headers.get("content-type")).toContain("application/json");
    });
  }
  for (const path of ["/api", "/api/", "/api/qr"]) {
    test(`GET ${path} is the JSON 404 of the API, not the HTML not-found page`, async () => {
      const { k } = await setup();
      const r = await k.handle(path);
      expect(r.status).toBe(404);
      expect(r.headers.get("content-type")).toContain("application/json");
      expect(envelopeProblems(await r.json())).toEqual([]);
    });
  }
});
