// The redirect path's reads, on a SQLite connection of their own, in read transactions that each last
// one turn of the event loop. Every statement outside a transaction is a read transaction of its own,
// which costs SQLite two fcntl and one fstat calls (2.1 of the 2.5 µs a cached link lookup takes at
// 1,000,000 links); the lookups of one turn, many under load, now share them. A change made through
// the main connection is seen by the next turn's reads, or at once after refresh(), which whatever
// changes a link calls through the redirect cache (see createDeps).
import { Database } from "bun:sqlite";

export interface Reader {
  /** The connection to prepare the reads on. */
  readonly client: Database;
  /** Opens the turn's read transaction, unless one is open; call it before each read. */
  begin(): void;
  /** Ends the open read transaction: the next read sees every change committed so far. */
  refresh(): void;
  close(): void;
}

/** A reader of the database file at `path`, which the main connection has opened and migrated. */
export function openReader(path: string): Reader {
  const client = new Database(path, { readonly: true, strict: true });
  client.exec("PRAGMA busy_timeout = 5000");
  // 1 MiB holds the inner pages of the links' B-trees at 1,000,000 links; leaves come from the OS's cache.
  client.exec("PRAGMA cache_size = -1024");
  let ending = false;
  let closed = false;
  // A failed read can end the transaction by itself (SQLite rolls back on some errors): ask SQLite,
  // not a flag of ours, whether one is open. Ending one never throws out of the timer.
  const refresh = () => {
    ending = false;
    if (closed || !client.inTransaction) return;
    try {
      client.exec("COMMIT");
    } catch {
      try {
        client.exec("ROLLBACK");
      } catch {
        // no transaction was left to end
      }
    }
  };
  return {
    client,
    begin() {
      if (client.inTransaction) return;
      client.exec("BEGIN");
      if (!ending) {
        ending = true;
        setImmediate(refresh);
      }
    },
    refresh,
    close() {
      if (closed) return;
      refresh();
      closed = true;
      client.close();
    },
  };
}
