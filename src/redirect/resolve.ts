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
  const host = request.headers.get("host") ?? "";
  return host.replace(/:\d+$/, "").replace(/\.$/, "").toLowerCase();
}

export async function resolveShortUrl(deps: ResolveDeps, request: Request, slug: string): Promise<{ domain: DomainRow | undefined; link: RedirectLink | undefined }> {
  const host = hostOf(request);
  const domain = await deps.redirectCache.domain(host, () => deps.domains.byHost(host));
  const domainId = domain?.id ?? null;
  const link = await deps.redirectCache.link(domainId, slug, () => deps.links.forRedirect(domainId, slug));
  return { domain, link };
}
