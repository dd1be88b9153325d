// The bench's database work: bulk-loading links straight into kurz's SQLite file (the API would take
// too long for a million), and measuring the file per link and per click afterwards.
import { Database } from "bun:sqlite";
import { randomBytes } from "node:crypto";
import { statSync, writeFileSync } from "node:fs";
import { unpackCounts } from "../../src/clicks/store";

const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"; // as src/links/slug.ts

/** `count` distinct random 6-character slugs that are not in `taken`, like kurz's own hashes. */
export function randomSlugs(count: number, taken: Set<string>): string[] {
  const out: string[] = [];
  const seen = new Set(taken);
  while (out.length < count) {
    const bytes = randomBytes(6 * 1024);
    for (let i = 0; i + 6 <= bytes.length && out.length < count; i += 6) {
      let slug = "";
      for (let j = 0; j < 6; j++) slug += alphabet[bytes[i + j]! % 62];
      if (!seen.has(slug)) {
        seen.add(slug);
        out.push(slug);
      }
    }
  }
  return out;
}

/** Links created through the API, whose rules, pixels and password hash the bulk copies. */
export interface Templates {
  userId: number;
  rule: number;
  pixel: number;
  password: number;
}

export interface LoadedSets {
  plain: string[];
  rule: string[];
  pixel: string[];
  password: string[];
  ms: number;
}

/** A destination of a realistic length (about 60 characters), different for every link. */
export const longUrl = (kind: string, i: number) => `https://www.example.com/blog/2026/11/${kind}-${i.toString(36)}-how-it-was-made`;

/**
 * Inserts `plain` plain links and `special` links of each special kind (device rule, pixel, password)
 * in one transaction with prepared statements. Rows are what kurz's create writes (type direct,
 * default domain, slug = hash, unix-second timestamps); special rows copy their template's parts.
 */
export function bulkLoad(file: string, templates: Templates, plain: number, special: number): LoadedSets {
  const started = performance.now();
  const db = new Database(file, { strict: true });
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  const taken = new Set(db.query<{ slug: string }, []>("select slug from links").all().map((r) => r.slug));
  const slugs = randomSlugs(plain + 3 * special, taken);
  const now = Math.floor(Date.now() / 1000);
  const insertLink = db.prepare(
    `insert into links (user_id, domain_id, type, hash, alias, slug, long_url, title, description, password_hash, disabled, expires_at, created_at, updated_at)
     values (?, null, 'direct', ?, null, ?, ?, ?, null, ?, 0, null, ?, ?) returning id`,
  );
  const passwordHash = db.query<{ password_hash: string }, [number]>("select password_hash from links where id = ?").get(templates.password)!.password_hash;
  const copyRules = db.prepare("insert into rules (link_id, position, type, key, value) select ?, position, type, key, value from rules where link_id = ?");
  const copyPixels = db.prepare("insert into link_pixels (link_id, pixel_id) select ?, pixel_id from link_pixels where link_id = ?");

  const sets: LoadedSets = { plain: [], rule: [], pixel: [], password: [], ms: 0 };
  db.transaction(() => {
    let next = 0;
    const add = (kind: keyof Omit<LoadedSets, "ms">, count: number, after?: (id: number) => void) => {
      for (let i = 0; i < count; i++) {
        const slug = slugs[next++]!;
        const row = insertLink.get(templates.userId, slug, slug, longUrl(kind, i), `Example ${kind} page ${i}`,
          kind === "password" ? passwordHash : null, now, now) as { id: number };
        after?.(row.id);
        sets[kind].push(slug);
      }
    };
    add("plain", plain);
    add("rule", special, (id) => copyRules.run(id, templates.rule));
    add("pixel", special, (id) => copyPixels.run(id, templates.pixel));
    add("password", special);
  })();
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  db.close();
  sets.ms = performance.now() - started;
  return sets;
}

export function writeSlugFile(file: string, slugs: string[]): void {
  writeFileSync(file, `${slugs.join("\n")}\n`);
}

export interface DatabaseSize {
  links: number;
  /** Clicks recorded: the sum of the stored counts. */
  clicks: number;
  /** Stored counts (per hour, link and visitor profile), folded or not. */
  clickRows: number;
  /** File size after VACUUM, clicks included. */
  bytes: number;
  /** File size after VACUUM with the click tables dropped. */
  bytesWithoutClicks: number;
  bytesPerLink: number;
  bytesPerClick: number;
  bytesPerClickRow: number;
  avgLongUrlChars: number;
  avgTitleChars: number;
  /** Bytes per table and index (SQLite's dbstat), when this SQLite has it. */
  objects: Record<string, number> | null;
}

/** VACUUMs a copy of the database twice (with and without clicks) and divides. */
export function measureDatabase(file: string, scratch: string): DatabaseSize {
  const db = new Database(file, { strict: true });
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  const count = (sql: string) => (db.query<{ n: number }, []>(sql).get()?.n ?? 0);
  const links = count("select count(*) as n from links");
  // Clicks are counts per hour, link and visitor profile: folded ones in click_hours, the rest still in
  // click_batches (16 bytes a count).
  const clickRows = count("select count(*) as n from click_hours");
  let clicks = count("select coalesce(sum(clicks), 0) as n from click_hours");
  let pendingCounts = 0;
  for (const batch of db.query<{ counts: Uint8Array }, []>("select counts from click_batches").all()) {
    unpackCounts(batch.counts, (_hour, _link, _profile, n) => {
      clicks += n;
      pendingCounts++;
    });
  }
  const avg = db.query<{ url: number; title: number }, []>("select avg(length(long_url)) as url, avg(length(title)) as title from links").get()!;
  const full = `${scratch}/vacuumed.sqlite`;
  db.exec(`VACUUM INTO '${full.replaceAll("'", "''")}'`);
  db.close();
  const bytes = statSync(full).size;

  const copy = new Database(full, { strict: true });
  let objects: Record<string, number> | null = null;
  try {
    objects = Object.fromEntries(copy.query<{ name: string; size: number }, []>(
      "select name, sum(pgsize) as size from dbstat group by name order by size desc",
    ).all().map((r) => [r.name, r.size]));
  } catch {
    objects = null; // built without SQLITE_ENABLE_DBSTAT_VTAB
  }
  for (const table of ["click_hours", "click_batches", "click_profiles"]) copy.exec(`DROP TABLE ${table}`);
  copy.exec("VACUUM");
  copy.close();
  const bytesWithoutClicks = statSync(full).size;
  return {
    links,
    clicks,
    clickRows: clickRows + pendingCounts,
    bytes,
    bytesWithoutClicks,
    bytesPerLink: bytesWithoutClicks / links,
    bytesPerClick: clicks ? (bytes - bytesWithoutClicks) / clicks : Number.NaN,
    bytesPerClickRow: clickRows + pendingCounts ? (bytes - bytesWithoutClicks) / (clickRows + pendingCounts) : Number.NaN,
    avgLongUrlChars: avg.url,
    avgTitleChars: avg.title,
    objects,
  };
}
