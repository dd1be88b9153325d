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
 * A table from strings to small numbers outside the collected heap: no key is kept, only two 32-bit
 * hashes of it, one of which picks its slot (one slot a key: a newer key that lands there pushes the
 * older one out). No allocation per key. Two keys whose hashes both agree (about one in 2^64 a pair)
 * would share a value. A key may come in two parts, hashed as if joined by a space, so that callers
 * need not build the joined string.
 */
export class HashedSlots {
  readonly #first: Uint32Array;
  readonly #second: Uint32Array;
  readonly #values: Int32Array;
  readonly #mask: number;

  /** `slots` is rounded up to a power of two. */
  constructor(slots: number) {
    const size = 2 ** Math.ceil(Math.log2(Math.max(2, slots)));
    this.#first = new Uint32Array(size);
    this.#second = new Uint32Array(size);
    this.#values = new Int32Array(size);
    this.#mask = size - 1;
  }

  get(key: string, more?: string): number | undefined {
    hash(key, more);
    const slot = first & this.#mask;
    return this.#first[slot] === first && this.#second[slot] === second ? this.#values[slot] : undefined;
  }

  set(key: string, value: number, more?: string): void {
    hash(key, more);
    const slot = first & this.#mask;
    this.#first[slot] = first;
    this.#second[slot] = second;
    this.#values[slot] = value;
  }
}

// The last key's hashes, set by hash() (two results without an object to carry them).
let first = 0;
let second = 0;

/** FNV-1a and a second multiplicative hash over the UTF-16 code units of `key` (+ " " + `more`). */
function hash(key: string, more?: string): void {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  if (more !== undefined) {
    a = Math.imul(a ^ 0x20, 0x01000193);
    b = Math.imul(b ^ 0x20, 0x5bd1e995);
    for (let i = 0; i < more.length; i++) {
      const c = more.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
    }
  }
  first = a >>> 0;
  second = (b ^ (b >>> 15)) >>> 0 || 1; // never 0: an empty slot's check
}

/** `onChange` runs whenever something is forgotten, i.e. after every change a redirect could see. */
export function createRedirectCache(options: { maxLinks?: number; ttlMs?: number; onChange?: () => void } = {}): RedirectCache {
  const changed = options.onChange ?? (() => {});
  const ttl = options.ttlMs ?? 0; // 0: no ageing (one node owns the database)
  const links = new ClockCache<RedirectLink>(options.maxLinks ?? 10_000, ttl);
  // A link is kept on its second read in the recent past: links read once each (a crawler, or traffic
  // spread evenly over a million links) then neither push the hot ones out nor churn the heap.
  // (TinyLFU's "doorkeeper"; off the heap, so a million links read once each leave nothing to trace.)
  const seen = new HashedSlots(options.maxLinks ?? 10_000);
  const keep = (k: string, link: RedirectLink) => {
    if (seen.get(k) !== undefined) links.set(k, link);
    else seen.set(k, 0);
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
