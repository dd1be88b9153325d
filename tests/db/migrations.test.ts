import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { indexPath, renderMigrationIndex } from "../../scripts/gen-migrations";
import { embeddedMigrations, migrate } from "../../src/db/migrate";
import { openDatabase } from "../../src/db/open";

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
});
