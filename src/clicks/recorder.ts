// Records clicks without slowing redirects: a redirect only pushes what it saw onto a buffer; every
// second (or every 250 visits) the buffer is parsed (agent, country, referrer host), identical clicks
// of the same second are merged into one row with a count, and the rows are written in one transaction.
// flush() on shutdown loses none.
import { agentOf, pickClientIp, referrerHost, type Geo } from "../redirect/visitor";
import type { ClickStore, NewClick } from "./store";

/** What a redirect hands over, unparsed; the raw IP lives only until the batch is written and is never stored. */
export interface Visit {
  linkId: number;
  at: number; // ms since the epoch
  userAgent: string | null;
  socketIp: string | null;
  forwardedIp: string | null; // from a trusted proxy's header, when there is one
  country: string | null; // from a trusted CDN header, when there is one
  referrer: string | null;
}

export interface ClickRecorder {
  record(visit: Visit): void;
  flush(): Promise<number>;
  /** Stops the timer and writes what is buffered. */
  close(): Promise<number>;
  pending(): number;
}

export function createClickRecorder(deps: {
  store: ClickStore;
  geo: Geo;
  log: (message: string, error?: unknown) => void;
  batchSize?: number;
  intervalMs?: number;
  maxBuffered?: number;
}): ClickRecorder {
  // Small batches keep each write (it blocks the event loop) to a few milliseconds.
  const batchSize = deps.batchSize ?? 250;
  const maxBuffered = deps.maxBuffered ?? 200_000;
  let buffer: Visit[] = [];
  let writing: Promise<number> = Promise.resolve(0);
  let scheduled = false;

  /** The batch as rows: identical clicks in the same second become one row with a count. */
  function rows(batch: Visit[]): NewClick[] {
    const merged = new Map<string, NewClick>();
    for (const v of batch) {
      const agent = agentOf(v.userAgent);
      const second = Math.floor(v.at / 1000);
      const country = v.country ?? deps.geo.country(pickClientIp(v.forwardedIp, v.socketIp));
      const referrer = referrerHost(v.referrer);
      const key = `${v.linkId}|${second}|${country}|${agent.device}|${agent.browser}|${agent.os}|${referrer}|${agent.bot}`;
      const row = merged.get(key);
      if (row) row.count! += 1;
      else {
        merged.set(key, {
          linkId: v.linkId, createdAt: new Date(second * 1000), country, device: agent.device,
          browser: agent.browser, os: agent.os, referrer, bot: agent.bot, count: 1,
        });
      }
    }
    return [...merged.values()];
  }

  async function writeBuffered(): Promise<number> {
    let written = 0;
    while (buffer.length) {
      const batch = buffer.splice(0, batchSize);
      try {
        await deps.store.insertMany(rows(batch));
        written += batch.length;
      } catch (error) {
        // Keep the clicks for the next attempt (a busy or briefly unavailable database), within bounds.
        buffer = batch.concat(buffer).slice(0, maxBuffered);
        deps.log("could not write clicks; will retry", error);
        break;
      }
    }
    return written;
  }

  const flush = (): Promise<number> => (writing = writing.then(writeBuffered, writeBuffered));

  const timer = setInterval(() => void flush(), deps.intervalMs ?? 1000);
  timer.unref?.();

  return {
    record(visit) {
      if (buffer.length >= maxBuffered) return; // the database is down for long: shed load rather than memory
      buffer.push(visit);
      if (buffer.length >= batchSize && !scheduled) {
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          void flush();
        });
      }
    },
    flush,
    async close() {
      clearInterval(timer);
      return flush();
    },
    pending: () => buffer.length,
  };
}
