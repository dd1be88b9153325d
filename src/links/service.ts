// The rules for creating links: what is valid, what the user may use, and how slugs are chosen.
import { iso31661 } from "iso-3166";
import { parseDate } from "../http/dates";
import { ApiError, Problems } from "../http/errors";
import type { DomainStore } from "../domains/store";
import type { PixelStore } from "../pixels/store";
import type { UserRow } from "../users/store";
import { DEVICES, type CreateLinkBody, type RuleInput } from "./model";
import { aliasPattern, isReservedSlug } from "./slug";
import { SlugTakenError, type LinkDraft, type LinkRecord, type LinkStore, type Rule } from "./store";
import { checkDestination } from "./url";

export interface LinkDeps {
  links: LinkStore;
  domains: DomainStore;
  pixels: PixelStore;
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

function checkTags(input: string[], problems: Problems): string[] {
  const tags: string[] = [];
  input.forEach((raw, i) => {
    const tag = raw.trim();
    if (tag.length < 1 || tag.length > 50) problems.add(`tags.${i}`, "Each tag must be 1 to 50 characters.");
    else if (!tags.includes(tag)) tags.push(tag);
  });
  return tags;
}

/** Checks every field at once; throws 422 with all problems, then 403 for things that are not the user's. */
async function draftLinks(deps: LinkDeps, user: UserRow, body: CreateLinkBody): Promise<LinkDraft[]> {
  const problems = new Problems();
  const longUrl = body.long_url ?? null;
  const multiple = body.multiple_urls ?? null;
  const urls: string[] = [];

  if (longUrl !== null && multiple !== null) {
    problems.add("multiple_urls", "The multiple_urls field cannot be used together with long_url.");
  } else if (longUrl !== null) {
    const url = checkDestination(longUrl);
    if (url === null) problems.add("long_url", "This url is not valid.");
    else urls.push(url);
  } else if (multiple !== null) {
    multiple.forEach((raw, i) => {
      const url = checkDestination(raw);
      if (url === null) problems.add(`multiple_urls.${i}`, "This url is not valid.");
      else urls.push(url);
    });
  } else {
    problems.add("long_url", "The long_url field is required (or multiple_urls).");
  }

  const alias = body.alias?.trim() || null;
  if (alias !== null) {
    if (multiple !== null) problems.add("alias", "An alias cannot be used with multiple_urls.");
    else if (!aliasPattern.test(alias)) problems.add("alias", "The alias may be 1 to 64 letters, digits, _ or -.");
    else if (isReservedSlug(alias)) problems.add("alias", "This alias is reserved.");
  }

  let expiresAt: Date | null = null;
  if (body.expires_at) {
    expiresAt = parseDate(body.expires_at);
    if (expiresAt === null) problems.add("expires_at", "The expires_at field must be a date like 2026-12-31 23:59:59 (UTC) or ISO 8601 with a zone.");
    else if (expiresAt.getTime() <= deps.now().getTime()) problems.add("expires_at", "The expires_at date must be in the future.");
  }

  const password = body.password ?? null;
  if (password !== null && password.length === 0) problems.add("password", "The password must be 1 to 255 characters.");

  const tags = checkTags(body.tags ?? [], problems);
  const rules = checkRules(body.rules ?? [], problems);
  const pixelIds = [...new Set(body.pixels ?? [])];
  problems.throwIfAny(422);

  const domainId = body.domain_id ?? null;
  const isAdmin = user.role === "admin";
  if (domainId !== null) {
    const domain = await deps.domains.byId(domainId);
    if (!domain) throw new ApiError(422, { domain_id: ["This domain does not exist."] });
    if (domain.userId !== user.id && !isAdmin) throw new ApiError(403, { domain_id: ["This domain is not yours."] });
  }
  if (pixelIds.length) {
    const found = await deps.pixels.byIds(pixelIds);
    const forbidden = new Problems();
    pixelIds.forEach((id, i) => {
      const pixel = found.find((p) => p.id === id);
      if (!pixel) forbidden.add(`pixels.${i}`, `Pixel ${id} does not exist.`);
      else if (pixel.userId !== user.id && !isAdmin) forbidden.add(`pixels.${i}`, `Pixel ${id} is not yours.`);
    });
    forbidden.throwIfAny(found.length === pixelIds.length ? 403 : 422);
  }
  if (alias !== null && (await deps.links.slugTaken(domainId, alias))) {
    throw new ApiError(422, { alias: ["This alias is already taken."] });
  }

  const passwordHash = password === null ? null : await hashLinkPassword(password);
  const now = deps.now();
  return urls.map((url) => ({
    link: {
      userId: user.id,
      domainId,
      type: "direct",
      alias,
      longUrl: url,
      title: body.title?.trim() || null,
      description: body.description?.trim() || null,
      passwordHash,
      disabled: body.disabled ?? false,
      expiresAt,
      createdAt: now,
      updatedAt: now,
    },
    tags,
    pixels: pixelIds,
    rules,
  }));
}

/** Creates one link per destination, all or none. */
export async function createLinks(deps: LinkDeps, user: UserRow, body: CreateLinkBody): Promise<LinkRecord[]> {
  const drafts = await draftLinks(deps, user, body);
  try {
    return await deps.links.insertMany(drafts, deps.makeHash);
  } catch (error) {
    // Another request took the alias between the check and the insert.
    if (error instanceof SlugTakenError) throw new ApiError(422, { alias: ["This alias is already taken."] });
    throw error;
  }
}
