// What /healthz checks of a database file besides a query: a query can still be answered from a file
// that was deleted, or cannot be written, while every write fails (or is lost with the deleted file).
import { accessSync, constants, existsSync, statfsSync, statSync } from "node:fs";
import { dirname } from "node:path";

/** The database file as it was opened: its path and which file that was. */
export interface DatabaseFile {
  path: string;
  dev: number;
  ino: number;
}

// Below this, SQLite can hardly grow its write-ahead log for a batch of clicks or a bulk create.
const MIN_FREE_BYTES = 1024 * 1024;

/** The file behind `path` now, or null for an in-memory database. */
export function databaseFile(path: string): DatabaseFile | null {
  if (path === ":memory:" || path === "") return null;
  const { dev, ino } = statSync(path);
  return { path, dev, ino };
}

const DELETED = "the database file was deleted";
const REPLACED = "the database file was replaced";

/** Whether a problem (see databaseFileProblem) means writes go to a file that is no longer there: they are lost at the stop. */
export const isFileGone = (problem: string | null): boolean => problem === DELETED || problem === REPLACED;

/** Why the database file cannot be trusted with writes now, or null when nothing is wrong with it. */
export function databaseFileProblem(file: DatabaseFile): string | null {
  let now;
  try {
    now = statSync(file.path);
  } catch {
    return DELETED;
  }
  if (now.dev !== file.dev || now.ino !== file.ino) return REPLACED;
  try {
    accessSync(file.path, constants.W_OK);
    // SQLite makes its write-ahead log beside the file: the folder must take it, unless it is there.
    if (existsSync(`${file.path}-wal`)) accessSync(`${file.path}-wal`, constants.W_OK);
    else accessSync(dirname(file.path), constants.W_OK);
  } catch {
    return "the database is read-only";
  }
  try {
    const disk = statfsSync(dirname(file.path));
    if (disk.bavail * disk.bsize < MIN_FREE_BYTES) return "the disk is full";
  } catch {
    // a file system that cannot tell its free space: the other checks stand
  }
  return null;
}

/** Thrown instead of a write to a database file that was deleted or replaced: it would be lost at the stop. */
export class DatabaseFileGone extends Error {}

/**
 * A check for writes, asked at most once a second: throws DatabaseFileGone while the file that was
 * opened is no longer the one at its path (what is written to it now is lost when kurz stops).
 */
export function writeGuard(file: DatabaseFile | null): () => void {
  let checkedAt = -Infinity;
  let gone: string | null = null;
  return () => {
    if (file === null) return;
    if (performance.now() - checkedAt >= 1000) {
      checkedAt = performance.now();
      const problem = databaseFileProblem(file);
      gone = isFileGone(problem) ? problem : null;
    }
    if (gone) throw new DatabaseFileGone(gone);
  };
}
