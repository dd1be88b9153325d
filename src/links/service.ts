// The rules for links: what is valid, what the user may use, how slugs are chosen, and who sees what.
import { iso31661 } from "iso-3166";
import { parseDate } from "../http/dates";
import { ApiError, Problems } from "../http/errors";
import type { DomainStore } from "../domains/store";
import type { PixelStore } from "../pixels/store";
import type { RedirectCache } from "../redirect/cache";
import { isAdmin } from "../users/service";
import type { UserRow } from "../users/store";
import { DEVICES, type CreateLinkBody, type RuleInput } from "./model";
import { aliasPattern, isReservedSlug } from "./slug";
import { SlugTakenError, type LinkChange, type LinkDraft, type LinkRecord, type LinkSort, type LinkStore, type Rule } from "./store";
import { checkDestination } from "./url";

export interface LinkDeps {
  links: LinkStore;
  /** Titles and descriptions from destination pages; never rejects, answers nulls on any failure. */
  metadata: { fetchMany(urls: string[]): Promise<{ title: string | null; description: string | null }[]> };
  domains: DomainStore;
  pixels: PixelStore;
  redirectCache: RedirectCache;
  now: () => Date;
  makeHash: () => string;
}

const countries = new Set(iso31661.map((c) => c.alpha2.toLowerCase()));
const devices = new Set<string>(DEVICES);

// Link passwords guard one redirect, not an account: OWASP's argon2id minimum keeps a check ~30 ms.
const linkPasswordHash = { algorithm: "argon2id", memoryCost: 19456, timeCost: 2 } as const;

export function hashLinkPassword(password: string): Promise<string> {
  return Bun.password.hash(password, linkPasswordHash);
}

function checkRules(input: RuleInput[], problems: Problems): Rule[] {
  return input.map((rule, i) => {
    const key = rule.key.trim().toLowerCase();
    if (rule.type === "geo" && !countries.has(key)) {
      problems.add(`rules.${i}.key`, "The key of a geo rule must be an ISO 3166-1 alpha-2 country code, like ru.");
    }
    if (rule.type === "device" && !devices.has(key)) {
      problems.add(`rules.${i}.key`, "The key of a device rule must be phone, tablet, desktop or tv.");
    }
    const value = checkDestination(rule.value);
    if (value === null) problems.add(`rules.${i}.value`, "This url is not valid.");
    return { type: rule.type, key, value: value ?? rule.value };
  });
}

const MAX_TAGS = 20;

function checkTags(input: string[], problems: Problems): string[] {
  const tags: string[] = [];
  input.forEach((raw, i) => {
    const tag = raw.trim();
    if (tag.length < 1 || tag.length > 50) problems.add(`tags.${i}`, "Each tag must be 1 to 50 characters.");
    else if (!tags.includes(tag)) tags.push(tag);
  });
  if (tags.length > MAX_TAGS) problems.add("tags", `A link may have at most ${MAX_TAGS} different tags.`);
  return tags;
}

/** The fields every link shares, as given in a create or a PATCH body (absent = not given, null = cleared). */
type FieldsBody = Omit<CreateLinkBody, "long_url" | "multiple_urls">;

interface CheckedFields {
  alias?: string | null;
  domainId?: number | null;
  password?: string | null;
  disabled?: boolean;
  title?: string | null;
  description?: string | null;
  tags?: string[];
  expiresAt?: Date | null;
  pixels?: number[];
  rules?: Rule[];
}

function checkFields(body: FieldsBody, cleared: Set<string>, now: Date, problems: Problems): CheckedFields {
  const out: CheckedFields = {};
  const alias = body.alias?.trim();
  // An empty alias means none, as in the seed: the link's path is its random hash.
  if (alias) {
    if (!aliasPattern.test(alias)) problems.add("alias", "The alias may be 1 to 64 letters, digits, _ or -.");
    else if (isReservedSlug(alias)) problems.add("alias", "This alias is reserved.");
    out.alias = alias;
  } else if (alias === "" || cleared.has("alias")) out.alias = null;

  if (body.expires_at !== undefined) {
    const expiresAt = parseDate(body.expires_at);
    if (expiresAt === null) problems.add("expires_at", "The expires_at field must be a date like 2030-12-31 23:59:59 (UTC) or ISO 8601 with a zone.");
    else if (expiresAt.getTime() <= now.getTime()) problems.add("expires_at", "The expires_at date must be in the future.");
    out.expiresAt = expiresAt;
  } else if (cleared.has("expires_at")) out.expiresAt = null;

  if (body.password !== undefined) {
    if (body.password.length === 0) problems.add("password", "The password must be text of 1 to 255 characters.");
    out.password = body.password;
  } else if (cleared.has("password")) out.password = null;

  if (body.domain_id !== undefined) out.domainId = body.domain_id;
  else if (cleared.has("domain_id")) out.domainId = null;
  if (body.disabled !== undefined) out.disabled = body.disabled;
  if (body.title !== undefined || cleared.has("title")) out.title = body.title?.trim() || null;
  if (body.description !== undefined || cleared.has("description")) out.description = body.description?.trim() || null;
  if (body.tags !== undefined || cleared.has("tags")) out.tags = checkTags(body.tags ?? [], problems);
  if (body.rules !== undefined || cleared.has("rules")) out.rules = checkRules(body.rules ?? [], problems);
  if (body.pixels !== undefined || cleared.has("pixels")) out.pixels = [...new Set(body.pixels ?? [])];
  return out;
}

/** 403 for a domain or pixel that is someone else's (admins may use any). */
async function checkOwnership(deps: LinkDeps, user: UserRow, fields: CheckedFields): Promise<void> {
  if (fields.domainId) {
    const domain = await deps.domains.byId(fields.domainId);
    if (!domain) throw new ApiError(422, { domain_id: ["This domain does not exist."] });
    if (domain.userId !== user.id && !isAdmin(user)) throw new ApiError(403, { domain_id: ["This domain is not yours."] });
  }
  if (fields.pixels?.length) {
    const ids = fields.pixels;
    const found = await deps.pixels.byIds(ids);
    const problems = new Problems();
    ids.forEach((id, i) => {
      const pixel = found.find((p) => p.id === id);
      if (!pixel) problems.add(`pixels.${i}`, `Pixel ${id} does not exist.`);
      else if (pixel.userId !== user.id && !isAdmin(user)) problems.add(`pixels.${i}`, `Pixel ${id} is not yours.`);
    });
    problems.throwIfAny(found.length === ids.length ? 403 : 422);
  }
}

const aliasTaken = () => new ApiError(422, { alias: ["This alias is already taken."] });

/** What a create body asks for, checked without the database: the destinations and the other fields. */
export function checkCreate(body: CreateLinkBody, now: Date, problems: Problems): { urls: string[]; fields: CheckedFields } {
  const urls: string[] = [];
  if (body.long_url !== undefined && body.multiple_urls !== undefined) {
    problems.add("multiple_urls", "The multiple_urls field cannot be used together with long_url.");
  } else if (body.long_url !== undefined) {
    const url = checkDestination(body.long_url);
    if (url === null) problems.add("long_url", "This url is not valid.");
    else urls.push(url);
  } else if (body.multiple_urls !== undefined) {
    body.multiple_urls.forEach((raw, i) => {
      const url = checkDestination(raw);
      if (url === null) problems.add(`multiple_urls.${i}`, "This url is not valid.");
      else urls.push(url);
    });
    if (body.alias?.trim()) problems.add("alias", "An alias cannot be used with multiple_urls.");
  } else {
    problems.add("long_url", "The long_url field is required (or multiple_urls).");
  }
  const fields = checkFields(body.multiple_urls ? { ...body, alias: undefined } : body, new Set(), now, problems);
  return { urls, fields };
}

/** Creates one link per destination, all or none. */
export async function createLinks(deps: LinkDeps, user: UserRow, body: CreateLinkBody): Promise<LinkRecord[]> {
  const problems = new Problems();
  const now = deps.now();
  const { urls, fields } = checkCreate(body, now, problems);
  problems.throwIfAny();
  await checkOwnership(deps, user, fields);
  const domainId = fields.domainId ?? null;
  // find_if_exists (Shlink's findIfExists, Kutt's reuse): a plain create answers the user's plain link to
  // the same destination when there is one. A create that asks for more (a password, an expiry, rules,
  // pixels, a disabled link) is never answered with a link that may lack it, nor a plain one with a link
  // that has more than it asked for.
  const plain = !fields.password && !fields.expiresAt && !fields.rules?.length && !fields.pixels?.length && !fields.disabled;
  const reuse = body.find_if_exists && plain;
  const existing = reuse ? await Promise.all(urls.map((url) => deps.links.reusable(user.id, domainId, url, fields.alias ?? null))) : [];
  // A URL given twice in one request is one link, like a URL sent twice in two requests.
  const fresh = urls.filter((url, i) => !existing[i] && !(reuse && urls.indexOf(url) < i));
  if (fresh.length === 0) return existing as LinkRecord[];
  if (fields.alias && (await deps.links.slugTaken(domainId, fields.alias))) throw aliasTaken();

  const passwordHash = fields.password ? await hashLinkPassword(fields.password) : null;
  // An empty title or description comes from the destination page; what the user gave is kept.
  const pages = fields.title && fields.description ? [] : await deps.metadata.fetchMany(fresh);
  const drafts: LinkDraft[] = fresh.map((url, i) => ({
    link: {
      userId: user.id,
      domainId,
      type: "direct",
      alias: fields.alias ?? null,
      longUrl: url,
      title: fields.title || pages[i]?.title || null,
      description: fields.description || pages[i]?.description || null,
      passwordHash,
      disabled: fields.disabled ?? false,
      expiresAt: fields.expiresAt ?? null,
      createdAt: now,
      updatedAt: now,
    },
    tags: fields.tags ?? [],
    pixels: fields.pixels ?? [],
    rules: fields.rules ?? [],
  }));
  try {
    const made = await deps.links.insertMany(drafts, deps.makeHash);
    if (!reuse) return made;
    const byUrl = new Map(fresh.map((url, i) => [url, made[i]!]));
    return urls.map((url, i) => existing[i] ?? byUrl.get(url)!);
  } catch (error) {
    // Another request took the alias between the check and the insert.
    if (error instanceof SlugTakenError) throw aliasTaken();
    throw error;
  }
}

/** The user's link; someone else's is a 404, as if it did not exist (admins see all). */
export async function ownedLink(deps: LinkDeps, user: UserRow, id: number): Promise<LinkRecord> {
  const record = await deps.links.get(id);
  if (!record || (record.link.userId !== user.id && !isAdmin(user))) throw new ApiError(404, { id: ["No such link."] });
  return record;
}

export interface LookupQuery {
  short_url?: string;
  slug?: string;
  domain_id?: number;
}

/**
 * The link a short URL names, found as a visit to it would find it: its host picks the custom domain
 * (any other host is the default domain) and its path the slug ("/abc", "/abc/" and the preview's
 * "/abc+" alike; "/abc/more/path" too with the extra path on). Or by `slug`, on the default domain or `domain_id`. Someone else's link is a 404.
 */
export async function lookUpLink(deps: LinkDeps, user: UserRow, query: LookupQuery, options: { appendExtraPath?: boolean } = {}): Promise<LinkRecord> {
  if ((query.short_url === undefined) === (query.slug === undefined)) {
    throw new ApiError(422, { short_url: ["Give either short_url, or slug (with domain_id for a custom domain)."] });
  }
  let domainId = query.domain_id ?? null;
  let slug = query.slug ?? "";
  const field = query.short_url === undefined ? "slug" : "short_url";
  if (query.short_url !== undefined) {
    const url = URL.parse(query.short_url.trim());
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) throw new ApiError(422, { short_url: ["This is not a short URL (http or https)."] });
    domainId = (await deps.domains.byHost(url.hostname.replace(/\.$/, "")))?.id ?? null;
    slug = url.pathname.slice(1).replace(/[/+]$/, "");
    // With --append-extra-path, /abc/more/path is abc's, as a visit would have it.
    if (options.appendExtraPath && slug.includes("/")) slug = slug.slice(0, slug.indexOf("/"));
  }
  const id = aliasPattern.test(slug) ? await deps.links.idBySlug(domainId, slug) : undefined;
  const record = id === undefined ? undefined : await deps.links.get(id);
  if (!record || (record.link.userId !== user.id && !isAdmin(user))) throw new ApiError(404, { [field]: ["No link of yours has this short URL."] });
  return record;
}

export type PatchLinkBody = Omit<CreateLinkBody, "multiple_urls">;

/** What a PATCH body asks for, checked without the database. */
export function checkPatch(body: PatchLinkBody, cleared: Set<string>, now: Date, problems: Problems): { longUrl: string | undefined; fields: CheckedFields } {
  let longUrl: string | undefined;
  if (body.long_url !== undefined) {
    longUrl = checkDestination(body.long_url) ?? undefined;
    if (longUrl === undefined) problems.add("long_url", "This url is not valid.");
  } else if (cleared.has("long_url")) problems.add("long_url", "The long_url cannot be cleared.");
  if (cleared.has("disabled")) problems.add("disabled", "The disabled field must be true or false.");
  return { longUrl, fields: checkFields(body, cleared, now, problems) };
}

/** Changes the fields given; `cleared` names the fields sent as null. */
export async function updateLink(deps: LinkDeps, user: UserRow, id: number, body: PatchLinkBody, cleared: Set<string>): Promise<LinkRecord> {
  const current = await ownedLink(deps, user, id);
  const problems = new Problems();
  const { longUrl, fields } = checkPatch(body, cleared, deps.now(), problems);
  problems.throwIfAny();
  await checkOwnership(deps, user, fields);

  const old = current.link;
  const domainId = fields.domainId !== undefined ? fields.domainId : old.domainId;
  const alias = fields.alias !== undefined ? fields.alias : old.alias;
  if (alias !== null && (alias !== old.alias || domainId !== old.domainId) && (await deps.links.slugTaken(domainId, alias))) {
    throw aliasTaken();
  }
  const change: LinkChange = {
    link: {
      updatedAt: deps.now(),
      ...(longUrl !== undefined && { longUrl }),
      ...(fields.alias !== undefined && { alias: fields.alias }),
      ...(fields.domainId !== undefined && { domainId: fields.domainId }),
      ...(fields.disabled !== undefined && { disabled: fields.disabled }),
      ...(fields.title !== undefined && { title: fields.title }),
      ...(fields.description !== undefined && { description: fields.description }),
      ...(fields.expiresAt !== undefined && { expiresAt: fields.expiresAt }),
      ...(fields.password !== undefined && { passwordHash: fields.password === null ? null : await hashLinkPassword(fields.password) }),
    },
    tags: fields.tags,
    pixels: fields.pixels,
    rules: fields.rules,
  };
  let updated: LinkRecord;
  try {
    updated = await deps.links.update(id, change, deps.makeHash);
  } catch (error) {
    if (error instanceof SlugTakenError) throw aliasTaken();
    throw error;
  }
  deps.redirectCache.forgetLink(old.domainId, old.slug);
  deps.redirectCache.forgetLink(updated.link.domainId, updated.link.slug);
  return updated;
}

export async function deleteLink(deps: LinkDeps, user: UserRow, id: number): Promise<void> {
  const { link } = await ownedLink(deps, user, id);
  await deps.links.remove(link.id);
  deps.redirectCache.forgetLink(link.domainId, link.slug);
}

export async function listLinks(
  deps: LinkDeps, user: UserRow,
  query: { page?: number; per_page?: number; tag?: string; q?: string; sort?: LinkSort; order?: "asc" | "desc" },
  pendingClicks?: () => Map<number, number>,
) {
  const page = query.page ?? 1;
  const perPage = query.per_page ?? 20;
  const { records, total } = await deps.links.list({
    userId: isAdmin(user) ? null : user.id, tag: query.tag?.trim() || undefined, q: query.q?.trim() || undefined, page, perPage,
    sort: query.sort, order: query.order, pendingClicks: query.sort === "clicks" ? pendingClicks?.() : undefined,
  });
  return { records, pagination: { page, per_page: perPage, total } };
}
