// What one recorded click costs the thread that writes it, for ways of writing the batch: kurz's
// schema from drizzle/*.sql as it was before hourly counts (0000–0002, one row per click), a clicks table already holding --prefill rows over --links links, then
// --clicks more written in batches (1000 unless the variant says) with random link ids (as uniform
// redirect load makes). The worst batch is how long the writing thread is blocked at once.
// Usage: bun scripts/bench/click-writes.ts [--links 10000] [--prefill 2000000] [--clicks 200000]
import { Database } from "bun:sqlite";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { repo } from "./lib";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: { links: { type: "string", default: "10000" }, prefill: { type: "string", default: "2000000" }, clicks: { type: "string", default: "200000" } },
});
const LINKS = Number(values.links);
const PREFILL = Number(values.prefill);
const CLICKS = Number(values.clicks);
const BATCH = 1000;

type Row = [linkId: number, at: number, country: string | null, device: string, browser: string, os: string, referrer: string, bot: number];
const row = (at: number): Row => [1 + Math.floor(Math.random() * LINKS), at, null, "desktop", "Chrome", "Windows", "news.example.org", 0];

interface Variant {
  name: string;
  /** Clicks a transaction; 1000 unless given. */
  batch?: number;
  /** SQL run after the migrations (pragmas, schema changes). */
  setup?: string[];
  /** Writes one batch. */
  writer(db: Database): (rows: Row[]) => void;
}

const columns = "link_id, created_at, country, device, browser, os, referrer, bot";
const singleRow = (db: Database) => {
  const insert = db.prepare(`insert into clicks (${columns}) values (?, ?, ?, ?, ?, ?, ?, ?)`);
  return db.transaction((rows: Row[]) => {
    for (const r of rows) insert.run(...r);
  });
};
const multiRow = (per: number) => (db: Database) => {
  const insert = db.prepare(`insert into clicks (${columns}) values ${Array(per).fill("(?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`);
  const one = db.prepare(`insert into clicks (${columns}) values (?, ?, ?, ?, ?, ?, ?, ?)`);
  return db.transaction((rows: Row[]) => {
    let i = 0;
    for (; i + per <= rows.length; i += per) insert.run(...rows.slice(i, i + per).flat());
    for (; i < rows.length; i++) one.run(...rows[i]!);
  });
};

const variants: Variant[] = [
  { name: "as now: one prepared insert a row, 1000 a transaction", writer: singleRow },
  { name: "+ batch sorted by link_id", writer: (db) => { const w = singleRow(db); return (rows) => w([...rows].sort((a, b) => a[0] - b[0])); } },
  { name: "+ cache_size 32 MB", setup: ["PRAGMA cache_size = -32768"], writer: singleRow },
  { name: "multi-row insert, 50 rows a statement", writer: multiRow(50) },
  { name: "10,000 clicks a transaction (10 s of buffer at 1k/s)", batch: 10_000, writer: singleRow },
  { name: "50,000 clicks a transaction", batch: 50_000, writer: singleRow },
  { name: "no AUTOINCREMENT (INTEGER PRIMARY KEY)", setup: ["recreate-without-autoincrement"], writer: singleRow },
  { name: "foreign_keys off for the writer", setup: ["PRAGMA foreign_keys = OFF"], writer: singleRow },
  { name: "index (created_at, link_id) instead of (link_id, created_at)", setup: ["DROP INDEX clicks_link_time_idx", "CREATE INDEX clicks_time_link_idx ON clicks (created_at, link_id)"], writer: singleRow },
  { name: "no index on clicks (lower bound)", setup: ["DROP INDEX clicks_link_time_idx"], writer: singleRow },
  {
    name: "one packed row a batch (what kurz does since migration 0003; folded into hourly counts later)",
    setup: ["CREATE TABLE click_batches (id integer PRIMARY KEY AUTOINCREMENT, created_at integer NOT NULL, counts blob NOT NULL)"],
    writer: (db) => {
      const insert = db.prepare("insert into click_batches (created_at, counts) values (?, ?)");
      return (rows) => {
        const bytes = new Uint8Array(rows.length * 16);
        const view = new DataView(bytes.buffer);
        rows.forEach((r, i) => {
          view.setUint32(i * 16, Math.floor(r[1] / 3600), true);
          view.setUint32(i * 16 + 4, r[0], true);
          view.setUint32(i * 16 + 8, 1, true);
          view.setUint32(i * 16 + 12, 1, true);
        });
        insert.run(rows[0]![1], bytes);
      };
    },
  },
];

function migrate(db: Database): void {
  const dir = join(repo, "drizzle");
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".sql") && f < "0003").sort()) {
    for (const statement of readFileSync(join(dir, file), "utf8").split("--> statement-breakpoint")) {
      if (statement.trim()) db.exec(statement);
    }
  }
}

const work = mkdtempSync(join(tmpdir(), "kurz-clicks-"));
try {
  console.log(`${LINKS.toLocaleString("en")} links, ${PREFILL.toLocaleString("en")} clicks already stored, ${CLICKS.toLocaleString("en")} written in batches of ${BATCH}`);
  for (const v of variants) {
    const file = join(work, `${variants.indexOf(v)}.sqlite`);
    const db = new Database(file, { create: true, strict: true });
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA foreign_keys = ON");
    migrate(db);
    const now = Math.floor(Date.now() / 1000);
    db.exec(`insert into users (email, password_hash, created_at, updated_at) values ('a@b.c', 'x', ${now}, ${now})`);
    const link = db.prepare("insert into links (user_id, hash, slug, long_url, created_at, updated_at) values (1, ?, ?, 'https://www.example.com/', ?, ?)");
    db.transaction(() => {
      for (let i = 1; i <= LINKS; i++) link.run(`s${i}`, `s${i}`, now, now);
    })();
    for (const sql of v.setup ?? []) {
      if (sql === "recreate-without-autoincrement") {
        db.exec("DROP TABLE clicks");
        db.exec(readFileSync(join(repo, "drizzle/0000_init.sql"), "utf8").split("--> statement-breakpoint")[0]!.replace("PRIMARY KEY AUTOINCREMENT", "PRIMARY KEY"));
        db.exec("CREATE INDEX clicks_link_time_idx ON clicks (link_id, created_at)");
      } else db.exec(sql);
    }
    const write = v.writer(db);
    let at = now - PREFILL / 1000;
    for (let n = 0; n < PREFILL; n += BATCH) write(Array.from({ length: BATCH }, () => row(Math.floor(at += 0.001))));
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const started = performance.now();
    let worst = 0;
    const size = v.batch ?? BATCH;
    for (let n = 0; n < CLICKS; n += size) {
      const batch = Array.from({ length: size }, () => row(Math.floor(at += 0.001)));
      const t0 = performance.now();
      write(batch);
      worst = Math.max(worst, performance.now() - t0);
    }
    const ms = performance.now() - started;
    console.log(`${((ms * 1000) / CLICKS).toFixed(2).padStart(6)} µs a click, worst batch ${worst.toFixed(1).padStart(5)} ms  ${v.name}`);
    db.close();
    rmSync(file, { force: true });
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
