// The redirect path's memory: hot links and custom-domain hosts, so a repeat visit touches no database.
// 10,000 hot links hold nearly all traffic of most installs in ~20 MB; a miss is one indexed lookup.
// A link enters on its second read (see `keep`).
// Whatever changes a link or a domain forgets it here; entries also age out so that another node's
// change shows within about a second (SPEC §6).
import type { DomainRow } from "../domains/store";
import type { RedirectLink } from "../links/store";

export interface RedirectCache {
  link(domainId: number | null, slug: string, load: () => Promise<RedirectLink | undefined>): Promise<RedirectLink | undefined>;
  domain(host: string, load: () => Promise<DomainRow | undefined>): Promise<DomainRow | undefined>;
  /** link() with a loader that answers at once (SQLite), so no promise is made. */
  linkNow(domainId: number | null, slug: string, load: () => RedirectLink | undefined): RedirectLink | undefined;
  /**
   * The cached answer for a request's raw Host header ({row: undefined}: known to be no custom domain),
   * or undefined when that header has not been resolved yet.
   */
  peekHostHeader(header: string): { row: DomainRow | undefined } | undefined;
  /** Remembers what a raw Host header resolved to. */
  rememberHostHeader(header: string, row: DomainRow | undefined): void;
  /**
   * Whether the install has no custom domain (then every host is the default domain and the Host
   * header need not be read), remembered until a domain changes; `check` asks the database.
   */
  defaultDomainOnly(check: () => boolean): boolean;
  forgetLink(domainId: number | null, slug: string): void;
  forgetDomain(host: string): void;
  /** Forgets every link (e.g. a pixel that many links fire is gone). */
  forgetLinks(): void;
}

/**
 * A bounded cache whose hit is one Map lookup and one flag set (CLOCK), unlike a strict LRU that
 * reorders on every read. When full, a new entry takes the slot of the first entry, in slot order from
 * where the last search stopped, that has not been read since the search last passed it.
 */
export class ClockCache<V> {
  readonly #slots = new Map<string, number>();
  readonly #keys: (string | undefined)[] = [];
  readonly #values: (V | undefined)[] = [];
  readonly #read: boolean[] = [];
  readonly #expires: number[] = [];
  readonly #free: number[] = [];
  #hand = 0;

  /** `ttlMs` 0: entries do not age. Slots are made as entries come, not up front. */
  constructor(private readonly max: number, private readonly ttlMs = 0) {}

  get(key: string): V | undefined {
    const slot = this.#slots.get(key);
    if (slot === undefined) return undefined;
    if (this.ttlMs && this.#expires[slot]! <= Date.now()) {
      this.#empty(slot);
      return undefined;
    }
    this.#read[slot] = true;
    return this.#values[slot];
  }

  set(key: string, value: V): void {
    let slot = this.#slots.get(key);
    if (slot === undefined) {
      slot = this.#slotForNew();
      this.#slots.set(key, slot);
      this.#keys[slot] = key;
    }
    this.#values[slot] = value;
    this.#read[slot] = false;
    this.#expires[slot] = this.ttlMs ? Date.now() + this.ttlMs : 0;
  }

  delete(key: string): void {
    const slot = this.#slots.get(key);
    if (slot !== undefined) this.#empty(slot);
  }

  clear(): void {
    for (const slot of this.#slots.values()) this.#empty(slot);
  }

  get size(): number {
    return this.#slots.size;
  }

  #slotForNew(): number {
    const free = this.#free.pop();
    if (free !== undefined) return free;
    if (this.#keys.length < this.max) return this.#keys.length;
    for (;;) {
      const slot = this.#hand;
      this.#hand = (this.#hand + 1) % this.#keys.length;
      if (this.#read[slot]) this.#read[slot] = false;
      else {
        this.#slots.delete(this.#keys[slot]!);
        return slot;
      }
    }
  }

  #empty(slot: number): void {
    this.#slots.delete(this.#keys[slot]!);
    this.#keys[slot] = undefined;
    this.#values[slot] = undefined;
    this.#read[slot] = false;
    this.#free.push(slot);
  }
}

/**
 * Which keys were read in the recent past, as a TinyLFU "doorkeeper": one 32-bit hash of the key a
 * slot, the slot picked by the same hash, so a newer key that lands there pushes the older one out.
 * Fixed memory outside the collected heap (no key is kept), and no allocation per key; two keys with
 * one hash (about one in 2^32 a pair) count as one, which at worst keeps a link a read early.
 */
export class SeenFilter {
  readonly #hashes: Uint32Array;
  readonly #mask: number;

  /** `slots` is rounded up to a power of two. */
  constructor(slots: number) {
    const size = 2 ** Math.ceil(Math.log2(Math.max(2, slots)));
    this.#hashes = new Uint32Array(size);
    this.#mask = size - 1;
  }

  /** Whether `key` was noted since its slot last changed hands; notes it if not. */
  seen(key: string): boolean {
    const hash = fnv1a(key) || 1; // 0 marks an empty slot
    const slot = hash & this.#mask;
    if (this.#hashes[slot] === hash) return true;
    this.#hashes[slot] = hash;
    return false;
  }
}

/** FNV-1a over a string's UTF-16 code units, as an unsigned 32-bit number. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** `onChange` runs whenever something is forgotten, i.e. after every change a redirect could see. */
export function createRedirectCache(options: { maxLinks?: number; ttlMs?: number; onChange?: () => void } = {}): RedirectCache {
  const changed = options.onChange ?? (() => {});
  const ttl = options.ttlMs ?? 0; // 0: no ageing (one node owns the database)
  const links = new ClockCache<RedirectLink>(options.maxLinks ?? 10_000, ttl);
  // A link is kept on its second read in the recent past: links read once each (a crawler, or traffic
  // spread evenly over a million links) then neither push the hot ones out nor churn the heap.
  const seen = new SeenFilter(options.maxLinks ?? 10_000);
  const keep = (k: string, link: RedirectLink) => {
    if (seen.seen(k)) links.set(k, link);
  };
  // Negative answers are cached too: any Host header can arrive, so the map is bounded and short-lived.
  const domains = new ClockCache<{ row: DomainRow | undefined }>(1_000, ttl || 60_000);
  // The same, by the Host header as it arrives, so a repeat visit need not normalise it.
  const headers = new ClockCache<{ row: DomainRow | undefined }>(1_000, ttl || 60_000);
  // A slug has no "/": the default domain's slugs are their own keys, which saves building a string a visit.
  let defaultOnly: { value: boolean; until: number } | undefined;
  const key = (domainId: number | null, slug: string) => (domainId === null ? slug : `${domainId}/${slug}`);
  return {
    async link(domainId, slug, load) {
      const k = key(domainId, slug);
      const hit = links.get(k);
      if (hit) return hit;
      const link = await load();
      if (link) keep(k, link);
      return link;
    },
    async domain(host, load) {
      const hit = domains.get(host);
      if (hit) return hit.row;
      const row = await load();
      domains.set(host, { row });
      return row;
    },
    linkNow(domainId, slug, load) {
      const k = key(domainId, slug);
      const hit = links.get(k);
      if (hit) return hit;
      const link = load();
      if (link) keep(k, link);
      return link;
    },
    peekHostHeader: (header) => headers.get(header),
    defaultDomainOnly(check) {
      if (defaultOnly === undefined || (defaultOnly.until && defaultOnly.until <= Date.now())) {
        defaultOnly = { value: check(), until: ttl ? Date.now() + ttl : 0 };
      }
      return defaultOnly.value;
    },
    rememberHostHeader: (header, row) => headers.set(header, { row }),
    forgetLink(domainId, slug) {
      links.delete(key(domainId, slug));
      changed();
    },
    forgetDomain(host) {
      domains.delete(host);
      headers.clear(); // several spellings (case, port, trailing dot) may name the host
      defaultOnly = undefined;
      changed();
    },
    forgetLinks() {
      links.clear();
      changed();
    },
  };
}
