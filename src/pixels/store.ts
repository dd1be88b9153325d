// All SQL about retargeting pixels.
import { desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../db/open";
import { pixels } from "../db/schema";

export type PixelRow = typeof pixels.$inferSelect;

export function createPixelStore(db: Db) {
  return {
    async byIds(ids: number[]): Promise<PixelRow[]> {
      if (ids.length === 0) return [];
      return db.select().from(pixels).where(inArray(pixels.id, ids)).all();
    },
    async list(userId: number | null): Promise<PixelRow[]> {
      const q = db.select().from(pixels);
      return (userId === null ? q : q.where(eq(pixels.userId, userId))).orderBy(desc(pixels.id)).all();
    },
    async insert(values: typeof pixels.$inferInsert): Promise<PixelRow> {
      return db.insert(pixels).values(values).returning().get();
    },
    async remove(id: number): Promise<void> {
      db.delete(pixels).where(eq(pixels.id, id)).run();
    },
  };
}

export type PixelStore = ReturnType<typeof createPixelStore>;
