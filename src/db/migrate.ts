// Applies the drizzle-kit migrations embedded in the binary (drizzle's own migrator reads a folder at run time).
import { createHash } from "node:crypto";
import type { MigrationMeta } from "drizzle-orm/migrator";
import type { Db } from "./open";
import { migrationFiles, migrationJournal } from "./migrations.gen";

export function embeddedMigrations(): MigrationMeta[] {
  return migrationJournal.entries.map((entry) => {
    const query = migrationFiles[entry.tag];
    if (query === undefined) throw new Error(`migration ${entry.tag} is not embedded`);
    return {
      sql: query.split("--> statement-breakpoint"),
      bps: entry.breakpoints,
      folderMillis: entry.when,
      hash: createHash("sha256").update(query).digest("hex"),
    };
  });
}

// drizzle keeps the migrator's entry points off its public type.
interface MigratableDb {
  dialect: { migrate(migrations: MigrationMeta[], session: unknown, config: object): void };
  session: unknown;
}

/** Applies the migrations not applied yet (all embedded ones unless `migrations` says). */
export function migrate(db: Db, migrations = embeddedMigrations()): void {
  const { dialect, session } = db as unknown as MigratableDb;
  dialect.migrate(migrations, session, {});
}
