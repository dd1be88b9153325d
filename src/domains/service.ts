// Custom domains: a host a user points at kurz, so links answer on it.
import { ApiError, Problems } from "../http/errors";
import { checkDestination } from "../links/url";
import type { RedirectCache } from "../redirect/cache";
import { isAdmin } from "../users/service";
import type { UserRow } from "../users/store";
import type { DomainRow, DomainStore } from "./store";

export interface DomainDeps {
  domains: DomainStore;
  redirectCache: RedirectCache;
  now: () => Date;
  config: { baseUrl: string };
}

const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** The host in the form the Host header carries it: lower-case, IDN as punycode, no port, path or dot at the end. */
export function normalizeHost(input: string): string | null {
  const raw = input.trim().replace(/\.$/, "");
  if (!raw || raw.length > 253 || /[\s/?#@:\\]/.test(raw)) return null;
  let host: string;
  try {
    host = new URL(`http://${raw}`).hostname;
  } catch {
    return null;
  }
  const labels = host.split(".");
  if (labels.length < 2 || !labels.every((l) => label.test(l)) || /^\d+$/.test(labels.at(-1)!)) return null;
  return host;
}

/** A not-found URL as given (null or empty: none), checked like a destination. */
function checkNotFoundUrl(input: string | null | undefined, problems: Problems): string | null {
  if (!input) return null;
  const url = checkDestination(input);
  if (url === null) problems.add("not_found_url", "This url is not valid.");
  return url;
}

export async function addDomain(deps: DomainDeps, user: UserRow, input: { host: string; not_found_url?: string | null }): Promise<DomainRow> {
  const problems = new Problems();
  const host = normalizeHost(input.host);
  if (host === null) problems.add("host", "The host must be a domain name like go.example.com, without scheme, port or path.");
  else if (host === new URL(deps.config.baseUrl).hostname) problems.add("host", "This is kurz's own host; it serves default-domain links already.");
  const notFoundUrl = checkNotFoundUrl(input.not_found_url, problems);
  problems.throwIfAny();
  if (await deps.domains.byHost(host!)) throw new ApiError(422, { host: ["This host is already registered."] });
  const domain = await deps.domains.insert({ userId: user.id, host: host!, notFoundUrl, createdAt: deps.now() });
  deps.redirectCache.forgetDomain(domain.host);
  return domain;
}

export async function listDomains(deps: DomainDeps, user: UserRow): Promise<DomainRow[]> {
  return deps.domains.list(isAdmin(user) ? null : user.id);
}

/** Someone else's domain is a 404, as if it did not exist. */
export async function ownedDomain(deps: DomainDeps, user: UserRow, id: number): Promise<DomainRow> {
  const domain = await deps.domains.byId(id);
  if (!domain || (domain.userId !== user.id && !isAdmin(user))) throw new ApiError(404, { id: ["No such domain."] });
  return domain;
}

export async function removeDomain(deps: DomainDeps, user: UserRow, id: number): Promise<void> {
  const domain = await ownedDomain(deps, user, id);
  const links = await deps.domains.linkCount(domain.id);
  // Deleting a domain must not silently delete the links people have shared.
  if (links > 0) throw new ApiError(409, { id: [`This domain still has ${links} link(s); delete or move them first.`] });
  await deps.domains.remove(domain.id);
  deps.redirectCache.forgetDomain(domain.host);
}

/** Changes where visitors of unknown paths on the domain go (null: the 404 page); takes effect at once. */
export async function changeDomain(deps: DomainDeps, user: UserRow, id: number, input: { not_found_url?: string | null }): Promise<DomainRow> {
  const domain = await ownedDomain(deps, user, id);
  if (input.not_found_url === undefined) return domain;
  const problems = new Problems();
  const notFoundUrl = checkNotFoundUrl(input.not_found_url, problems);
  problems.throwIfAny();
  const changed = await deps.domains.setNotFoundUrl(domain.id, notFoundUrl);
  deps.redirectCache.forgetDomain(domain.host);
  return changed;
}
