// The redirect path's memory: hot links and custom-domain hosts, so a repeat visit touches no database.
// 10,000 hot links hold nearly all traffic of most installs in ~20 MB; a miss is one indexed lookup.
// Whatever changes a link or a domain forgets it here; entries also age out so that another node's
// change shows within about a second (SPEC §6).
import { LRUCache } from "lru-cache";
import type { DomainRow } from "../domains/store";
import type { RedirectLink } from "../links/store";

export interface RedirectCache {
  link(domainId: number | null, slug: string, load: () => Promise<RedirectLink | undefined>): Promise<RedirectLink | undefined>;
  domain(host: string, load: () => Promise<DomainRow | undefined>): Promise<DomainRow | undefined>;
  /** What is cached, without loading: a link, or undefined when it is not cached. */
  peekLink(domainId: number | null, slug: string): RedirectLink | undefined;
  /** A cached host's answer ({row: undefined} for a host known to be no custom domain), or undefined. */
  peekDomain(host: string): { row: DomainRow | undefined } | undefined;
  forgetLink(domainId: number | null, slug: string): void;
  forgetDomain(host: string): void;
  /** Forgets every link (e.g. a pixel that many links fire is gone). */
  forgetLinks(): void;
}

export function createRedirectCache(options: { maxLinks?: number; ttlMs?: number } = {}): RedirectCache {
  const ttl = options.ttlMs ?? 0; // 0: no ageing (one node owns the database)
  const links = new LRUCache<string, RedirectLink>({ max: options.maxLinks ?? 10_000, ttl, ttlAutopurge: false });
  // Negative answers are cached too: any Host header can arrive, so the map is bounded and short-lived.
  const domains = new LRUCache<string, { row: DomainRow | undefined }>({ max: 2_000, ttl: ttl || 60_000 });
  const key = (domainId: number | null, slug: string) => `${domainId ?? 0}/${slug}`;
  return {
    async link(domainId, slug, load) {
      const k = key(domainId, slug);
      const hit = links.get(k);
      if (hit) return hit;
      const link = await load();
      if (link) links.set(k, link);
      return link;
    },
    async domain(host, load) {
      const hit = domains.get(host);
      if (hit) return hit.row;
      const row = await load();
      domains.set(host, { row });
      return row;
    },
    peekLink: (domainId, slug) => links.get(key(domainId, slug)),
    peekDomain: (host) => domains.get(host),
    forgetLink(domainId, slug) {
      links.delete(key(domainId, slug));
    },
    forgetDomain(host) {
      domains.delete(host);
    },
    forgetLinks() {
      links.clear();
    },
  };
}
