import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { indexPath, renderMigrationIndex } from "../../scripts/gen-migrations";
import { embeddedMigrations, migrate } from "../../src/db/migrate";
import { openDatabase, type Db } from "../../src/db/open";
import { drizzle } from "drizzle-orm/bun-sqlite";
import * as schema from "../../src/db/schema";
import { createLinkStore } from "../../src/links/store";
import { profileKey } from "../../src/clicks/store";

describe("migrations", () => {
  test("the embedded migration index matches drizzle/ (run `bun run build` or scripts/gen-migrations.ts)", () => {
    expect(readFileSync(indexPath, "utf8")).toBe(renderMigrationIndex());
  });

  test("every journal entry is embedded, hashed like drizzle's own migrator", () => {
    const journal = JSON.parse(readFileSync(join(import.meta.dir, "../../drizzle/meta/_journal.json"), "utf8"));
    const migrations = embeddedMigrations();
    expect(migrations).toHaveLength(journal.entries.length);
    const first = readFileSync(join(import.meta.dir, `../../drizzle/${journal.entries[0].tag}.sql`), "utf8");
    expect(migrations[0]!.hash).toBe(new Bun.CryptoHasher("sha256").update(first).digest("hex"));
  });

  test("migrating twice is harmless and records each migration once", () => {
    const db = openDatabase(":memory:");
    migrate(db);
    migrate(db);
    const rows = db.$client.query("select count(*) as n from __drizzle_migrations").get() as { n: number };
    expect(rows.n).toBe(embeddedMigrations().length);
  });

  test("clicks recorded before the hourly counts existed are kept: moved into click_hours with their profiles", () => {
    const db = openDatabase(":memory:");
    const all = embeddedMigrations();
    const before = all.findIndex((m) => m.sql.join("").includes("CREATE TABLE `click_hours`"));
    migrate(db, all.slice(0, before));
    const sql = db.$client;
    sql.exec("insert into users (email, password_hash, created_at, updated_at) values ('a@b.c', 'x', 0, 0)");
    sql.exec("insert into links (user_id, hash, slug, long_url, created_at, updated_at) values (1, 'abc', 'abc', 'https://example.com/', 0, 0)");
    const at = Date.parse("2026-05-01T10:20:00Z") / 1000;
    const click = sql.prepare("insert into clicks (link_id, created_at, country, device, browser, os, referrer, bot, count) values (1, ?, ?, 'phone', 'Safari', 'iOS', ?, ?, ?)");
    click.run(at, "de", "t.co", 0, 3);
    click.run(at + 30, "de", "t.co", 0, 2); // same hour and profile
    click.run(at + 3600, null, null, 0, 1); // next hour, another profile
    click.run(at, null, null, 1, 4); // a bot
    migrate(db);
    expect(sql.query("select name from sqlite_master where name = 'clicks'").all()).toEqual([]);
    const rows = sql.query(
      "select h.hour, h.clicks, p.country, p.referrer, p.bot from click_hours h join click_profiles p on p.id = h.profile_id order by h.hour, p.bot, h.clicks",
    ).all();
    const hour = Math.floor(at / 3600);
    expect(rows).toEqual([
      { hour, clicks: 5, country: "de", referrer: "t.co", bot: 0 },
      { hour, clicks: 4, country: null, referrer: null, bot: 1 },
      { hour: hour + 1, clicks: 1, country: null, referrer: null, bot: 0 },
    ]);
    // The keys are the ones the click recorder computes, so new clicks land on the same profiles.
    const keys = sql.query("select key from click_profiles").all().map((r: any) => r.key);
    expect(keys).toContain(profileKey({ country: "de", device: "phone", browser: "Safari", os: "iOS", referrer: "t.co", bot: false }));
  });

  test("a file database is opened in WAL mode with foreign keys and a busy timeout", () => {
    const path = join(tmpdir(), `kurz-${crypto.randomUUID()}`, "nested", "kurz.sqlite");
    const db = openDatabase(path);
    const pragma = (name: string) => Object.values(db.$client.query(`pragma ${name}`).get() as object)[0];
    expect(pragma("journal_mode")).toBe("wal");
    expect(pragma("foreign_keys")).toBe(1);
    expect(pragma("busy_timeout")).toBe(5000);
    expect(pragma("synchronous")).toBe(1);
    db.$client.close();
  });
});

describe("indexes on hot paths", () => {
  const db = openDatabase(":memory:");
  migrate(db);
  const plan = (sql: string) =>
    (db.$client.query(`explain query plan ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(" | ");

  test("a default-domain slug lookup is an index search, not a scan", () => {
    expect(plan(`select id from links where domain_id is null and slug = 'x'`)).toMatch(/SEARCH links USING (COVERING )?INDEX links_(default|domain)_slug_idx/);
  });

  test("a custom-domain slug lookup uses the (domain, slug) index", () => {
    expect(plan(`select id from links where domain_id = 1 and slug = 'x'`)).toContain("links_domain_slug_idx");
  });

  test("a token lookup uses its unique index", () => {
    expect(plan(`select id from users where api_token_hash = 'x'`)).toContain("users_api_token_hash_unique");
  });

  test("a link's rules are read through their index", () => {
    expect(plan(`select * from rules where link_id = 1 order by position`)).toContain("rules_link_idx");
  });

  test("a redirect's checks for rules and pixels are searches of covering indexes", () => {
    expect(plan(`select exists(select 1 from rules r where r.link_id = 1), exists(select 1 from link_pixels lp where lp.link_id = 1)`))
      .toMatch(/SEARCH r USING COVERING INDEX rules_link_idx \(link_id=\?\).*SEARCH lp USING COVERING INDEX \w+ \(link_id=\?\)/);
  });

  test("find_if_exists finds the user's link to a destination by an index, newest first without sorting", () => {
    const found = plan(`select id from links where user_id = 1 and long_url = 'https://example.com/' and domain_id is null and disabled = 0 order by id desc limit 1`);
    expect(found).toContain("SEARCH links USING INDEX links_user_url_idx (user_id=? AND long_url=?)");
    expect(found).not.toContain("TEMP B-TREE");
  });

  test("a link's hourly click counts are one range of the primary key", () => {
    expect(plan(`select hour, profile_id, clicks from click_hours where link_id = 1 and hour >= 5 and hour < 9`))
      .toMatch(/SEARCH click_hours USING PRIMARY KEY \(link_id=\? AND hour>\? AND hour<\?\)/);
  });

  test("a list sorted by clicks reads the clicks not added up yet once, not once a link, and sums the hourly counts in their key's order", async () => {
    // The store's own query, as drizzle sends it, planned by SQLite.
    const sent: { query: string; params: unknown[] }[] = [];
    const logged = drizzle({ client: db.$client, schema, logger: { logQuery: (query, params) => sent.push({ query, params }) } });
    const store = createLinkStore(logged as Db);
    for (const userId of [null, 1]) {
      sent.length = 0;
      await store.list({ userId, page: 1, perPage: 20, sort: "clicks", pendingClicks: new Map([[1, 2], [2, 5]]) });
      const sorted = sent.find((s) => s.query.includes("json_each"))!;
      const steps = db.$client.query(`explain query plan ${sorted.query}`).all(...(sorted.params as [])) as { id: number; parent: number; detail: string }[];
      const outer = steps.filter((s) => s.parent === 0).map((s) => s.detail).join(" | ");
      expect(outer).toMatch(/SEARCH \w+ USING AUTOMATIC (COVERING )?INDEX \(\w+=\?\)/);
      expect(outer).not.toContain("json_each");
      // The steps that sum the hourly counts: everything under the top step that reads click_hours.
      const byId = new Map(steps.map((s) => [s.id, s]));
      let top = steps.find((s) => /^(SCAN|SEARCH) h\b/.test(s.detail))!;
      while (top.parent !== 0) top = byId.get(top.parent)!;
      const under = (id: number): string[] => steps.filter((s) => s.parent === id).flatMap((s) => [s.detail, ...under(s.id)]);
      expect(under(top.id)).not.toContain("USE TEMP B-TREE FOR GROUP BY");
    }
  });
});

