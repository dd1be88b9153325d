// Records clicks without slowing redirects: visits are buffered in memory, parsed (agent, country,
// referrer) and written in batched transactions off the request path; flush() on shutdown loses none.
import { agentOf, referrerHost, type Geo } from "../redirect/visitor";
import type { ClickStore, NewClick } from "./store";

/** What a redirect hands over; the raw IP lives only until the batch is written and is never stored. */
export interface Visit {
  linkId: number;
  at: Date;
  userAgent: string | null;
  ip: string | null;
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
  const batchSize = deps.batchSize ?? 1000;
  const maxBuffered = deps.maxBuffered ?? 200_000;
  let buffer: Visit[] = [];
  let writing: Promise<number> = Promise.resolve(0);
  let scheduled = false;

  const toClick = (v: Visit): NewClick => {
    const agent = agentOf(v.userAgent);
    return {
      linkId: v.linkId,
      createdAt: v.at,
      country: v.country ?? deps.geo.country(v.ip),
      device: agent.device,
      browser: agent.browser,
      os: agent.os,
      referrer: referrerHost(v.referrer),
      bot: agent.bot,
    };
  };

  async function writeBuffered(): Promise<number> {
    let written = 0;
    while (buffer.length) {
      const batch = buffer.splice(0, batchSize);
      try {
        await deps.store.insertMany(batch.map(toClick));
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
