import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrate } from "../../src/db/migrate";
import { openDatabase } from "../../src/db/open";
import { openReader, type Reader } from "../../src/db/reader";
import { updateLink } from "../../src/links/service";
import { testApp, type TestApp } from "../support/app";

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe("the redirect's reader", () => {
  let dir: string;
  let cleanup: () => void = () => {};
  afterEach(() => cleanup());

  function open() {
    dir = mkdtempSync(join(tmpdir(), "kurz-reader-"));
    const path = join(dir, "kurz.sqlite");
    const db = openDatabase(path);
    migrate(db);
    db.$client.run("insert into settings (key, value) values ('probe', 'old')");
    const reader = openReader(path);
    const probe = reader.client.query<{ value: string }, []>("select value from settings where key = 'probe'");
    const read = () => (reader.begin(), probe.get()?.value);
    cleanup = () => {
      reader.close();
      db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    };
    return { db, reader, read };
  }

  test("reads of one turn share a snapshot; the next turn sees what was committed meanwhile", async () => {
    const { db, read } = open();
    expect(read()).toBe("old");
    db.$client.run("update settings set value = 'new' where key = 'probe'");
    expect(read()).toBe("old");
    await nextTurn();
    expect(read()).toBe("new");
  });

  test("refresh() makes the very next read see every commit", () => {
    const { db, reader, read } = open();
    expect(read()).toBe("old");
    db.$client.run("update settings set value = 'new' where key = 'probe'");
    reader.refresh();
    expect(read()).toBe("new");
  });

  test("a transaction SQLite ended by itself (as some errors do) neither breaks the next read nor the turn's end", async () => {
    const { db, reader, read } = open();
    expect(read()).toBe("old");
    reader.client.exec("ROLLBACK");
    db.$client.run("update settings set value = 'new' where key = 'probe'");
    expect(read()).toBe("new");
    await nextTurn();
    expect(reader.client.inTransaction).toBe(false);
    expect(read()).toBe("new");
  });

  test("closing it before the turn ends leaves nothing to fail later", async () => {
    const { reader, read } = open();
    read();
    reader.close();
    await nextTurn();
    expect(() => reader.refresh()).not.toThrow();
  });

  test("it cannot write", () => {
    const { reader } = open();
    expect(() => reader.client.run("delete from settings")).toThrow(/readonly/i);
  });

  test("its open snapshot does not hold up the main connection's writes", () => {
    const { db, read } = open();
    read();
    for (let i = 0; i < 100; i++) db.$client.run("insert into settings (key, value) values (?, 'x')", [`k${i}`]);
    expect(db.$client.query("select count(*) as n from settings").get()).toEqual({ n: 101 });
  });
});

describe("redirects read through it", () => {
  let t: TestApp;
  afterEach(() => t.close());

  test("a link changed while another link's read holds the turn's snapshot is followed to its new destination at once", async () => {
    t = testApp({ file: true });
    const owner = await t.user();
    const a = (await t.create(owner.token, { long_url: "https://a.example/" })).body.link;
    const b = (await t.create(owner.token, { long_url: "https://b.example/old" })).body.link;
    await nextTurn();
    // One turn: a's read opens the snapshot, b changes, b is read (and would be cached) after the change.
    expect(t.deps.links.forRedirectNow(null, a.hash)?.longUrl).toBe("https://a.example/");
    await updateLink(t.deps, await t.deps.users.byId(owner.id).then((u) => u!), b.id, { long_url: "https://b.example/new" }, new Set());
    expect(t.deps.links.forRedirectNow(null, b.hash)?.longUrl).toBe("https://b.example/new");
    const response = await t.handle(`/${b.hash}`);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("https://b.example/new");
  });

  test("a deleted link stops redirecting at once, and a new link is found on the next turn", async () => {
    t = testApp({ file: true });
    const owner = await t.user();
    const link = (await t.create(owner.token, { long_url: "https://gone.example/" })).body.link;
    expect((await t.handle(`/${link.hash}`)).status).toBe(302);
    expect((await t.call(owner.token, "DELETE", `/api/links/${link.id}`)).status).toBe(200);
    expect((await t.handle(`/${link.hash}`)).status).toBe(404);
    const fresh = (await t.create(owner.token, { long_url: "https://fresh.example/" })).body.link;
    await nextTurn();
    const response = await t.handle(`/${fresh.hash}`);
    expect(response.headers.get("location")).toBe("https://fresh.example/");
  });
});
