// One `kurz serve` per database file. Two servers on one SQLite file would each keep their own cache of
// links, so a link changed through one would keep redirecting the old way through the other. The lock
// is an exclusive transaction held open on a small SQLite file beside the database (`<db>.lock`): the
// operating system lets it go when the process ends, however it ends, so a crash never leaves a stale
// lock behind. Other commands (migrate, user) may run while a server holds it.
import { Database } from "bun:sqlite";

let held: Database | undefined;

/** Takes the database's server lock for the life of this process: false when another process holds it. Call after the database's folder exists. */
export function lockDatabase(path: string): boolean {
  if (path === ":memory:" || held) return true;
  let lock: Database | undefined;
  try {
    lock = new Database(`${path}.lock`, { create: true });
    lock.exec("PRAGMA journal_mode = MEMORY"); // no journal file beside it
    lock.exec("BEGIN EXCLUSIVE");
    held = lock;
    return true;
  } catch (error) {
    lock?.close();
    // Only a lock held elsewhere stops the server; where no lock file can be made, it serves without one.
    return !(error as { code?: string }).code?.startsWith("SQLITE_BUSY");
  }
}
