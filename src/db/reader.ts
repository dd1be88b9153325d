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
  client.exec("PRAGMA cache_size = -1024");
  let open = false;
  const refresh = () => {
    if (!open) return;
    open = false;
    client.exec("COMMIT");
  };
  return {
    client,
    begin() {
      if (open) return;
      client.exec("BEGIN");
      open = true;
      setImmediate(refresh);
    },
    refresh,
    close() {
      refresh();
      client.close();
    },
  };
}
