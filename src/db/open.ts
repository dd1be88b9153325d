// Opens the SQLite database with the settings kurz relies on for speed and crash safety.
import { Database } from "bun:sqlite";
import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { drizzle, type BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import * as schema from "./schema";

export type Db = BunSQLiteDatabase<typeof schema> & { $client: Database };

export function openDatabase(path: string): Db {
  // A new data folder and database are the owner's alone: the database holds the key that signs
  // unlock cookies, and password and token hashes. (SQLite gives its -wal and -shm files the same mode.)
  const isNew = path !== ":memory:" && !existsSync(path);
  if (isNew) mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const sqlite = new Database(path, { create: true, strict: true });
  if (isNew) chmodSync(path, 0o600);
  // WAL + synchronous=NORMAL: a committed transaction survives a killed process (it is in the WAL);
  // only an OS crash or power loss can drop the last few commits, never corrupt the file.
  sqlite.exec("PRAGMA journal_mode = WAL");
  sqlite.exec("PRAGMA synchronous = NORMAL");
  sqlite.exec("PRAGMA foreign_keys = ON");
  sqlite.exec("PRAGMA busy_timeout = 5000");
  return drizzle({ client: sqlite, schema });
}
