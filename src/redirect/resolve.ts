// Finds the link behind a short URL: the request's Host picks the domain (any unknown host is the
// default domain), then the slug picks the link, both through the redirect cache.
import type { DomainRow, DomainStore } from "../domains/store";
import type { LinkStore, RedirectLink } from "../links/store";
import type { RedirectCache } from "./cache";

export interface ResolveDeps {
  links: LinkStore;
  domains: DomainStore;
  redirectCache: RedirectCache;
}

export function hostOf(request: Request): string {
  let host = request.headers.get("host") ?? "";
  const colon = host.lastIndexOf(":");
  if (colon !== -1 && host.indexOf("]", colon) === -1) host = host.slice(0, colon); // a port, not part of an IPv6 literal
  if (host.endsWith(".")) host = host.slice(0, -1);
  return host.toLowerCase();
}

/**
 * Destinations as Location headers want them, computed once per cached link: WHATWG-serialised
 * (IDN hosts in punycode, spaces and non-ASCII percent-encoded).
 */
export function prepared(link: RedirectLink | undefined): RedirectLink | undefined {
  if (!link) return link;
  const href = (url: string) => new URL(url).href;
  return { ...link, longUrl: href(link.longUrl), rules: link.rules.length ? link.rules.map((r) => ({ ...r, value: href(r.value) })) : link.rules };
}

export async function resolveShortUrl(deps: ResolveDeps, request: Request, slug: string): Promise<{ domain: DomainRow | undefined; link: RedirectLink | undefined }> {
  const host = hostOf(request);
  const domain = await deps.redirectCache.domain(host, () => deps.domains.byHost(host));
  deps.redirectCache.rememberHostHeader(request.headers.get("host") ?? "", domain);
  const domainId = domain?.id ?? null;
  const link = await deps.redirectCache.link(domainId, slug, async () => prepared(await deps.links.forRedirect(domainId, slug)));
  return { domain, link };
}
