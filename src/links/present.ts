// Turns stored links into the seed's JSON shape.
import { formatDate } from "../http/dates";
import type { LinkRecord } from "./store";

export function shortUrl(baseUrl: string, domainHost: string | null, slug: string): string {
  return domainHost ? `https://${domainHost}/${slug}` : `${baseUrl}/${slug}`;
}

export function presentLink(record: LinkRecord, baseUrl: string, clicks = 0) {
  const { link } = record;
  return {
    id: link.id,
    type: link.type,
    title: link.title,
    description: link.description,
    hash: link.hash,
    alias: link.alias,
    long_url: link.longUrl,
    short_url: shortUrl(baseUrl, record.domainHost, link.slug),
    expires_at: formatDate(link.expiresAt),
    disabled: link.disabled,
    has_password: link.passwordHash !== null,
    user_id: link.userId,
    domain_id: link.domainId,
    tags: record.tags,
    pixels: record.pixels,
    rules: record.rules.map(({ type, key, value }) => ({ type, key, value })),
    clicks,
    created_at: formatDate(link.createdAt),
    updated_at: formatDate(link.updatedAt),
  };
}

export type LinkJson = ReturnType<typeof presentLink>;
