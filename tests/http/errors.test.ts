import { describe, expect, test } from "bun:test";
import { copyFileSync, renameSync, rmSync } from "node:fs";
import { links } from "../../src/db/schema";
import { PASSWORD, testApp } from "../support/app";

describe("error answers on the API", () => {
  test("malformed JSON is a 400 in the seed's shape", async () => {
    const k = testApp();
    const u = await k.user();
    const r = await k.create(u.token, '{"long_url": "https://a.example",');
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ status: "error", messages: { body: ["The request body is not valid JSON."] } });
  });

  test("a JSON body that is not an object is a 422", async () => {
    const k = testApp();
    const u = await k.user();
    for (const raw of ["[1,2]", "null", "42", '"https://a.example"']) {
      const r = await k.create(u.token, raw);
      expect(r.status).toBe(422);
      expect(r.body.messages.body).toEqual(["The request body must be a JSON object."]);
    }
  });

  test("an empty body is a 422 asking for long_url", async () => {
    const k = testApp();
    const u = await k.user();
    const r = await k.create(u.token, "");
    expect(r.status).toBe(422);
    expect(r.body.messages.long_url).toBeArray();
  });

  test("a body over 1 MB is a 413 and creates nothing", async () => {
    const k = testApp();
    const u = await k.user();
    const big = JSON.stringify({ long_url: "https://a.example", description: "x".repeat(1024 * 1024) });
    const r = await k.create(u.token, big);
    expect(r.status).toBe(413);
    expect(r.body.status).toBe("error");
    expect(r.body.messages.body).toBeArray();
    expect(k.db.select().from(links).all()).toHaveLength(0);
  });

  test("a streamed body over 1 MB without Content-Length is a 413", async () => {
    const k = testApp();
    const u = await k.user();
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream({
      pull(controller) {
        if (sent++ < 20) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const r = await k.app.handle(new Request("http://localhost/api/links/create", {
      method: "POST", headers: { authorization: `Bearer ${u.token}` }, body: stream,
    }));
    expect(r.status).toBe(413);
  });

  test("a body that is not UTF-8 is a 400", async () => {
    const k = testApp();
    const u = await k.user();
    const r = await k.app.handle(new Request("http://localhost/api/links/create", {
      method: "POST", headers: { authorization: `Bearer ${u.token}` }, body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
    }));
    expect(r.status).toBe(400);
    expect((await r.json()).status).toBe("error");
    // A body cut inside a character, then a whole one: nothing of the bad one carries over.
    const cut = new Uint8Array([...new TextEncoder().encode('{"long_url":"https://example.com/caf'), 0xc3]);
    const bad = await k.app.handle(new Request("http://localhost/api/links/create", { method: "POST", headers: { authorization: `Bearer ${u.token}` }, body: cut }));
    expect(bad.status).toBe(400);
    const good = await k.create(u.token, { long_url: "https://example.com/café" });
    expect(good.status).toBe(200);
    expect(good.body.link.long_url).toBe("https://example.com/café");
  });

  test("an unknown API path is a JSON 404", async () => {
    const k = testApp();
    const r = await k.handle("/api/nothing/here");
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual({ status: "error", messages: { route: ["There is no such endpoint."] } });
  });

  test("the wrong method on the create endpoint is not a 500", async () => {
    const k = testApp();
    const u = await k.user();
    const r = await k.handle(`/api/links/create?api_token=${u.token}`, { method: "GET" });
    expect(r.status).toBeLessThan(500);
    expect(r.headers.get("content-type")).toContain("application/json");
  });

  test("an unexpected failure is a 500 in the seed's shape without a stack trace", async () => {
    const k = testApp({ deps: { makeHash: () => { throw new Error("secret internals at /src/x.ts:1"); } } });
    const u = await k.user();
    const r = await k.create(u.token, { long_url: "https://a.example" });
    expect(r.status).toBe(500);
    expect(JSON.stringify(r.body)).not.toContain("internals");
    expect(r.body.status).toBe("error");
  });
});

describe("a database that cannot be written (full disk, read-only file)", () => {
  const unavailable = { status: "error", messages: { server: ["The server cannot store or read data right now (its disk may be full or its database read-only); try again later."] } };
  const big = `https://example.com/${"x".repeat(1500)}`;

  test("full: a create answers 503 in the seed's shape with Retry-After and stores nothing; it works once there is room", async () => {
    const k = testApp({ file: true });
    try {
      const u = await k.user();
      const client = k.db.$client;
      client.exec(`pragma max_page_count = ${client.query<{ page_count: number }, []>("pragma page_count").get()!.page_count}`);
      const r = await k.create(u.token, { multiple_urls: Array.from({ length: 100 }, (_, i) => `${big}${i}`) });
      expect([r.status, r.headers.get("retry-after"), r.body]).toEqual([503, "30", unavailable]);
      expect(k.db.select().from(links).all()).toEqual([]);
      client.exec("pragma max_page_count = 1073741823");
      expect((await k.create(u.token, { multiple_urls: [`${big}a`, `${big}b`] })).status).toBe(200);
    } finally {
      k.close();
    }
  });

  test("read-only: every write (API and admin login) answers 503 in the seed's shape and changes nothing, logged once; reads and redirects go on", async () => {
    const logged: string[] = [];
    const k = testApp({ file: true, deps: { log: (message) => logged.push(message) } });
    try {
      const u = await k.user();
      const link = (await k.create(u.token, { long_url: "https://example.com/kept" })).body.link;
      k.db.$client.exec("pragma query_only = 1");
      const calls: [string, string, unknown?][] = [
        ["POST", "/api/links/create", { long_url: "https://example.com/new" }],
        ["PATCH", `/api/links/${link.id}`, { title: "changed" }],
        ["DELETE", `/api/links/${link.id}`],
        ["POST", "/api/domains", { host: "go.example.com" }],
        ["POST", "/api/me/token"],
      ];
      for (const [method, path, body] of calls) {
        const r = await k.handle(path, { method, headers: { authorization: `Bearer ${u.token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
        expect([method, path, r.status, r.headers.get("retry-after"), await r.json()]).toEqual([method, path, 503, "30", unavailable]);
      }
      const login = await k.handle("/admin/login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: u.email, password: PASSWORD }) });
      expect([login.status, await login.json()]).toEqual([503, unavailable]);
      expect(logged).toEqual(["the database cannot be used"]);
      expect((await k.call(u.token, "GET", `/api/links/${link.id}`)).body.link).toMatchObject({ title: null, long_url: "https://example.com/kept" });
      expect(k.db.select().from(links).all()).toHaveLength(1);
      expect((await k.handle(`/${link.hash}`)).headers.get("location")).toBe("https://example.com/kept");
      k.db.$client.exec("pragma query_only = 0");
      expect((await k.call(u.token, "PATCH", `/api/links/${link.id}`, { title: "changed" })).status).toBe(200);
    } finally {
      k.close();
    }
  });
});

describe("health", () => {
  test("GET /healthz answers ok when the database answers", async () => {
    const k = testApp();
    const r = await k.handle("/healthz");
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: "ok" });
  });

  test("GET /healthz answers 503 when the database is closed", async () => {
    const k = testApp();
    k.db.$client.close();
    const r = await k.handle("/healthz");
    expect(r.status).toBe(503);
  });

  test("GET /healthz answers 503 with the reason when the database file was deleted or replaced, or clicks cannot be written", async () => {
    const deleted = testApp({ file: true });
    expect((await deleted.handle("/healthz")).status).toBe(200);
    rmSync(deleted.config.db);
    const gone = await deleted.handle("/healthz");
    expect([gone.status, await gone.json()]).toEqual([503, { status: "error", reason: "the database file was deleted" }]);
    deleted.close();

    const replaced = testApp({ file: true });
    renameSync(replaced.config.db, `${replaced.config.db}.old`);
    copyFileSync(`${replaced.config.db}.old`, replaced.config.db);
    expect(await (await replaced.handle("/healthz")).json()).toEqual({ status: "error", reason: "the database file was replaced" });
    replaced.close();

    const k = testApp({ file: true });
    const u = await k.user();
    const link = (await k.create(u.token, { long_url: "https://example.com/" })).body.link;
    k.db.$client.exec("pragma query_only = 1");
    await k.handle(`/${link.hash}`, { headers: { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0" } });
    await k.deps.clicks.flush();
    expect(await (await k.handle("/healthz")).json()).toEqual({ status: "error", reason: "clicks cannot be written" });
    k.db.$client.exec("pragma query_only = 0");
    await k.deps.clicks.flush();
    expect(await (await k.handle("/healthz")).json()).toEqual({ status: "ok" });
    k.close();
  });

  test("a database file deleted while serving takes no more writes (they would be lost at the stop): 503; reads go on", async () => {
    const k = testApp({ file: true });
    const u = await k.user();
    const link = (await k.create(u.token, { long_url: "https://example.com/before" })).body.link;
    rmSync(k.config.db);
    await Bun.sleep(1100); // the file is looked at once a second at most
    const r = await k.create(u.token, { long_url: "https://example.com/after" });
    expect([r.status, r.headers.get("retry-after"), Object.keys(r.body.messages)]).toEqual([503, "30", ["server"]]);
    expect((await k.call(u.token, "GET", `/api/links/${link.id}`)).status).toBe(200);
    expect((await k.handle(`/${link.hash}`)).status).toBe(302);
    k.close();
  });

  test("GET /healthz answers 503 starting until the server has finished starting (its first admin made)", async () => {
    let started = false;
    const k = testApp({ deps: { started: () => started } });
    const r = await k.handle("/healthz");
    expect(r.status).toBe(503);
    expect(await r.json()).toEqual({ status: "starting" });
    started = true;
    expect((await k.handle("/healthz")).status).toBe(200);
  });
});
