// Install-wide values kept in the database, so every node of an install shares them.
import { eq } from "drizzle-orm";
import { randomBytes } from "node:crypto";
import type { Db } from "../db/open";
import { settings } from "../db/schema";

export function createSettingsStore(db: Db) {
  return {
    /** The value under `key`, created once with `make()` when missing (first writer wins). */
    async getOrCreate(key: string, make: () => string): Promise<string> {
      db.insert(settings).values({ key, value: make() }).onConflictDoNothing().run();
      return db.select().from(settings).where(eq(settings.key, key)).get()!.value;
    },
  };
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;

export const randomSecret = () => randomBytes(32).toString("base64url");
