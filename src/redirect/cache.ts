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
  forgetLink(domainId: number | null, slug: string): void;
  forgetDomain(host: string): void;
  /** Forgets every link (e.g. a pixel that many links fire is gone). */
  forgetLinks(): void;
}

/**
 * A bounded cache whose hit is one Map lookup, unlike a strict LRU that reorders on every read. New
 * entries go to a young generation; when it holds `max`, it becomes the old one and the previous old one
 * is dropped. An old entry read again moves back to the young one, so the `max` entries used last always
 * stay (and at most 2 × `max` are held).
 */
export class GenerationCache<V> {
  #young = new Map<string, { value: V; expires: number }>();
  #old = new Map<string, { value: V; expires: number }>();
  readonly #max: number;

  /** `ttlMs` 0: entries do not age. */
  constructor(max: number, private readonly ttlMs = 0) {
    this.#max = Math.max(1, max);
  }

  get(key: string): V | undefined {
    let entry = this.#young.get(key);
    if (entry === undefined) {
      entry = this.#old.get(key);
      if (entry === undefined) return undefined;
      this.#old.delete(key);
      this.#add(key, entry);
    }
    if (this.ttlMs && entry.expires <= Date.now()) {
      this.#young.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V): void {
    this.#old.delete(key);
    this.#add(key, { value, expires: this.ttlMs ? Date.now() + this.ttlMs : 0 });
  }

  delete(key: string): void {
    this.#young.delete(key);
    this.#old.delete(key);
  }

  clear(): void {
    this.#young.clear();
    this.#old.clear();
  }

  get size(): number {
    return this.#young.size + this.#old.size;
  }

  #add(key: string, entry: { value: V; expires: number }): void {
    if (this.#young.size >= this.#max && !this.#young.has(key)) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(key, entry);
  }
}

export function createRedirectCache(options: { maxLinks?: number; ttlMs?: number } = {}): RedirectCache {
  const ttl = options.ttlMs ?? 0; // 0: no ageing (one node owns the database)
  const links = new GenerationCache<RedirectLink>(options.maxLinks ?? 10_000, ttl);
  // A link is kept on its second read in the recent past: links read once each (a crawler, or traffic
  // spread evenly over a million links) then neither push the hot ones out nor churn the heap.
  const seen = new GenerationCache<true>(options.maxLinks ?? 10_000);
  const keep = (k: string, link: RedirectLink) => {
    if (seen.get(k)) links.set(k, link);
    else seen.set(k, true);
  };
  // Negative answers are cached too: any Host header can arrive, so the map is bounded and short-lived.
  const domains = new GenerationCache<{ row: DomainRow | undefined }>(1_000, ttl || 60_000);
  // The same, by the Host header as it arrives, so a repeat visit need not normalise it.
  const headers = new GenerationCache<{ row: DomainRow | undefined }>(1_000, ttl || 60_000);
  // A slug has no "/": the default domain's slugs are their own keys, which saves building a string a visit.
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
    rememberHostHeader: (header, row) => headers.set(header, { row }),
    forgetLink(domainId, slug) {
      links.delete(key(domainId, slug));
    },
    forgetDomain(host) {
      domains.delete(host);
      headers.clear(); // several spellings (case, port, trailing dot) may name the host
    },
    forgetLinks() {
      links.clear();
    },
  };
}
