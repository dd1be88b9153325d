// Title/description lookups for link creation: safe fetches with a TTL cache, one request per URL at a
// time, a concurrency bound, and a time budget per URL that also covers waiting for a free slot.
import { LRUCache } from "lru-cache";
import type { PageMetadata } from "./extract";
import { DEFAULT_TIMEOUT_MS, safeFetch, type SafeFetchOptions } from "./safe-fetch";

export interface MetadataFetcherOptions extends Omit<SafeFetchOptions, "signal" | "stopAfterHead"> {
  /** How long an answered page's metadata is reused. Default 10 minutes; 0 turns the cache off. */
  ttlMs?: number;
  /** How long a failed or refused fetch is remembered (spares repeats of a hanging URL). Default 30 s. */
  failureTtlMs?: number;
  /** URLs remembered at most. Default 1000. */
  maxEntries?: number;
  /** Fetches running at once, across all callers of this fetcher. Default 8. */
  concurrency?: number;
}

export interface MetadataFetcher {
  /** The page's metadata; both fields null on any failure. Settles within `timeoutMs` (plus parsing); never rejects. */
  fetch(url: string): Promise<PageMetadata>;
  /** `fetch` for each URL, in order; the whole batch settles within `timeoutMs`, whatever the count. */
  fetchMany(urls: string[]): Promise<PageMetadata[]>;
}

const empty = (): PageMetadata => ({ title: null, description: null });
// A job whose slot comes with less time than this left is not started: it could not finish anyway.
const MIN_BUDGET_MS = 50;

interface Job {
  url: string;
  deadline: number;
  resolve: (metadata: PageMetadata) => void;
  expire: ReturnType<typeof setTimeout>;
}

export function createMetadataFetcher(options: MetadataFetcherOptions): MetadataFetcher {
  const {
    ttlMs = 10 * 60_000,
    failureTtlMs = 30_000,
    maxEntries = 1000,
    concurrency = 8,
    timeoutMs = DEFAULT_TIMEOUT_MS,
    ...fetchOptions
  } = options;
  const cache = new LRUCache<string, PageMetadata>({ max: Math.max(1, maxEntries) });
  const inFlight = new Map<string, Promise<PageMetadata>>();
  const queue: Job[] = [];
  let running = 0;

  function remember(url: string, metadata: PageMetadata, ttl: number): void {
    if (ttl > 0) cache.set(url, metadata, { ttl });
  }

  async function load(url: string, budgetMs: number): Promise<PageMetadata> {
    const page = await safeFetch(url, { ...fetchOptions, timeoutMs: budgetMs, stopAfterHead: true });
    if (!page) {
      remember(url, empty(), Math.min(failureTtlMs, ttlMs));
      return empty();
    }
    // Only a 2xx HTML answer has a body: a 404 or a bot challenge's "Just a moment…" is not the title.
    // linkedom (~12 ms to load on one core) is read on the first page fetched, not at start-up.
    const metadata = page.body ? (await import("./extract")).extractMetadata(page.body, page.contentType) : empty();
    remember(url, metadata, ttlMs);
    return metadata;
  }

  function pump(): void {
    while (running < Math.max(1, concurrency) && queue.length > 0) {
      const job = queue.shift()!;
      clearTimeout(job.expire);
      const budget = job.deadline - performance.now();
      if (budget < MIN_BUDGET_MS) {
        job.resolve(empty());
        continue;
      }
      running++;
      load(job.url, budget)
        .catch(empty)
        .then((metadata) => {
          running--;
          job.resolve(metadata);
          pump();
        });
    }
  }

  function fetchOne(input: string): Promise<PageMetadata> {
    let url: string;
    try {
      const parsed = new URL(input);
      parsed.hash = "";
      url = parsed.href;
    } catch {
      return Promise.resolve(empty());
    }
    const cached = cache.get(url);
    if (cached) return Promise.resolve({ ...cached });
    const pending = inFlight.get(url);
    if (pending) return pending.then((metadata) => ({ ...metadata }));

    const promise = new Promise<PageMetadata>((resolve) => {
      const job: Job = {
        url,
        deadline: performance.now() + timeoutMs,
        resolve,
        // Still waiting for a slot when its time is up: give up on it, uncached.
        expire: setTimeout(() => {
          const index = queue.indexOf(job);
          if (index !== -1) queue.splice(index, 1);
          resolve(empty());
        }, timeoutMs),
      };
      queue.push(job);
      pump();
    });
    inFlight.set(url, promise);
    promise.then(() => {
      if (inFlight.get(url) === promise) inFlight.delete(url);
    });
    return promise.then((metadata) => ({ ...metadata }));
  }

  return {
    fetch: fetchOne,
    fetchMany: (urls) => Promise.all(urls.map(fetchOne)),
  };
}
