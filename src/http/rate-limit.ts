// Fixed-window rate limits kept in memory, bounded so that many distinct clients cannot exhaust it.
import { LRUCache } from "lru-cache";

export interface RateLimiter {
  /** Counts one hit for `key`; answers whether it is still within the limit and when the window resets. */
  hit(key: string, now?: number): { allowed: boolean; retryAfterSeconds: number; remaining: number };
  /** Looks without counting. */
  blocked(key: string, now?: number): { blocked: boolean; retryAfterSeconds: number };
  reset(key: string): void;
}

export function createRateLimiter(options: { limit: number; windowMs: number; maxKeys?: number }): RateLimiter {
  // lru-cache allocates its arrays up front: made on first use, so idle limiters cost no start-up time.
  let made: LRUCache<string, { count: number; resetAt: number }> | undefined;
  const windows = () => (made ??= new LRUCache({ max: options.maxKeys ?? 20_000 }));
  const current = (key: string, now: number) => {
    let w = windows().get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + options.windowMs };
      windows().set(key, w);
    }
    return w;
  };
  const seconds = (w: { resetAt: number }, now: number) => Math.max(1, Math.ceil((w.resetAt - now) / 1000));
  return {
    hit(key, now = Date.now()) {
      const w = current(key, now);
      w.count++;
      return { allowed: w.count <= options.limit, retryAfterSeconds: seconds(w, now), remaining: Math.max(0, options.limit - w.count) };
    },
    blocked(key, now = Date.now()) {
      const w = windows().get(key);
      if (!w || w.resetAt <= now) return { blocked: false, retryAfterSeconds: 0 };
      return { blocked: w.count >= options.limit, retryAfterSeconds: seconds(w, now) };
    },
    reset(key) {
      windows().delete(key);
    },
  };
}
