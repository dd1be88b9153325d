// All SQL about clicks: batched inserts and the per-link statistics.
import { and, desc, eq, gte, inArray, lt, sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Db } from "../db/open";
import { clicks } from "../db/schema";

export type NewClick = typeof clicks.$inferInsert;

export interface StatsRange { from: Date; to: Date }
export interface Counted { key: string; clicks: number }

export function createClickStore(db: Db) {
  const insert = db.$client.prepare(
    "insert into clicks (link_id, created_at, country, device, browser, os, referrer, bot, count) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const insertAll = db.$client.transaction((rows: NewClick[]) => {
    for (const c of rows) {
      insert.run(c.linkId, Math.floor(c.createdAt.getTime() / 1000), c.country ?? null, c.device ?? null,
        c.browser ?? null, c.os ?? null, c.referrer ?? null, c.bot ? 1 : 0, c.count ?? 1);
    }
  });

  const clickCount = sql<number>`cast(coalesce(sum(${clicks.count}), 0) as integer)`;

  const within = (linkId: number, range: StatsRange, ...more: SQL[]) =>
    and(eq(clicks.linkId, linkId), gte(clicks.createdAt, range.from), lt(clicks.createdAt, range.to), ...more);

  function top(linkId: number, range: StatsRange, column: SQLiteColumn): Counted[] {
    return db.select({ key: sql<string>`coalesce(${column}, 'unknown')`, clicks: clickCount }).from(clicks)
      .where(within(linkId, range, eq(clicks.bot, false)))
      .groupBy(sql`1`).orderBy(desc(clickCount), sql`1`).limit(50).all();
  }

  return {
    /** Writes a batch in one transaction (one fsync instead of one per click). */
    async insertMany(rows: NewClick[]): Promise<void> {
      if (rows.length) insertAll(rows);
    },

    async stats(linkId: number, range: StatsRange) {
      const totals = db.select({ bot: clicks.bot, clicks: clickCount }).from(clicks)
        .where(within(linkId, range)).groupBy(clicks.bot).all();
      const days = db.select({ date: sql<string>`date(${clicks.createdAt}, 'unixepoch')`, clicks: clickCount }).from(clicks)
        .where(within(linkId, range, eq(clicks.bot, false))).groupBy(sql`1`).orderBy(sql`1`).all();
      return {
        total: totals.find((t) => !t.bot)?.clicks ?? 0,
        bots: totals.find((t) => t.bot)?.clicks ?? 0,
        days,
        countries: top(linkId, range, clicks.country),
        devices: top(linkId, range, clicks.device),
        browsers: top(linkId, range, clicks.browser),
        os: top(linkId, range, clicks.os),
        referrers: top(linkId, range, clicks.referrer),
      };
    },

    /** Human clicks per link, for lists. */
    async countByLinks(linkIds: number[]): Promise<Map<number, number>> {
      if (linkIds.length === 0) return new Map();
      const rows = db.select({ linkId: clicks.linkId, clicks: clickCount }).from(clicks)
        .where(and(inArray(clicks.linkId, linkIds), eq(clicks.bot, false))).groupBy(clicks.linkId).all();
      return new Map(rows.map((r) => [r.linkId, r.clicks]));
    },
  };
}

export type ClickStore = ReturnType<typeof createClickStore>;
