// All SQL about links, their tags, pixels and rules.
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/open";
import { domains, linkPixels, links, linkTags, rules, tags } from "../db/schema";

export type LinkRow = typeof links.$inferSelect;
export interface Rule { type: string; key: string; value: string }

/** A link with everything the API shows about it. */
export interface LinkRecord {
  link: LinkRow;
  tags: string[];
  pixels: number[];
  rules: Rule[];
  domainHost: string | null;
}

export interface LinkDraft {
  link: Omit<typeof links.$inferInsert, "hash" | "slug" | "id">;
  tags: string[];
  pixels: number[];
  rules: Rule[];
}

/** What a redirect needs to know about a link, read in one indexed lookup. */
export interface RedirectLink {
  id: number;
  longUrl: string;
  passwordHash: string | null;
  disabled: boolean;
  expiresAt: Date | null;
  rules: Rule[];
}

/** An alias that is already someone's slug on that domain. */
export class SlugTakenError extends Error {
  constructor(readonly index: number) {
    super("slug taken");
  }
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY") return true;
  }
  return false;
}

const MAX_HASH_TRIES = 8;

export function createLinkStore(db: Db) {
  const redirectColumns = {
    id: links.id,
    longUrl: links.longUrl,
    passwordHash: links.passwordHash,
    disabled: links.disabled,
    expiresAt: links.expiresAt,
    // Written out in full: drizzle drops table names in a one-table select, and "id" would bind to rules.id.
    rules: sql<string>`(select json_group_array(json_object('type', "rules"."type", 'key', "rules"."key", 'value', "rules"."value")
      order by "rules"."position") from "rules" where "rules"."link_id" = "links"."id")`,
  };
  const onDefaultDomain = db.select(redirectColumns).from(links)
    .where(and(isNull(links.domainId), eq(links.slug, sql.placeholder("slug")))).prepare();
  const onDomain = db.select(redirectColumns).from(links)
    .where(and(eq(links.domainId, sql.placeholder("domainId")), eq(links.slug, sql.placeholder("slug")))).prepare();

  function tagIds(userId: number, names: string[]): number[] {
    if (names.length === 0) return [];
    db.insert(tags).values(names.map((name) => ({ userId, name }))).onConflictDoNothing().run();
    const found = db.select({ id: tags.id, name: tags.name }).from(tags)
      .where(and(eq(tags.userId, userId), inArray(tags.name, names))).all();
    const byName = new Map(found.map((t) => [t.name, t.id]));
    return names.map((n) => byName.get(n)!);
  }

  function insertOne(draft: LinkDraft, index: number, makeHash: () => string): LinkRow {
    for (let attempt = 0; ; attempt++) {
      // A crowded hash space gets longer hashes rather than failing the create.
      const hash = attempt < MAX_HASH_TRIES ? makeHash() : makeHash() + makeHash().slice(0, 2);
      const slug = draft.link.alias ?? hash;
      try {
        return db.insert(links).values({ ...draft.link, hash, slug }).returning().get();
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        if (draft.link.alias) throw new SlugTakenError(index);
        if (attempt >= MAX_HASH_TRIES * 2) throw error;
      }
    }
  }

  return {
    /** Inserts every draft or none (one transaction); a random hash is retried when it collides. */
    async insertMany(drafts: LinkDraft[], makeHash: () => string): Promise<LinkRecord[]> {
      const hosts = new Map<number, string>();
      const rows = db.transaction(() => drafts.map((draft, index) => {
        const link = insertOne(draft, index, makeHash);
        tagIds(link.userId, draft.tags).forEach((tagId, position) => {
          db.insert(linkTags).values({ linkId: link.id, tagId, position }).run();
        });
        if (draft.pixels.length) {
          db.insert(linkPixels).values(draft.pixels.map((pixelId) => ({ linkId: link.id, pixelId }))).run();
        }
        if (draft.rules.length) {
          db.insert(rules).values(draft.rules.map((r, position) => ({ linkId: link.id, position, ...r }))).run();
        }
        return link;
      }));
      for (const row of rows) {
        if (row.domainId !== null && !hosts.has(row.domainId)) {
          const domain = db.select({ host: domains.host }).from(domains).where(eq(domains.id, row.domainId)).get();
          if (domain) hosts.set(row.domainId, domain.host);
        }
      }
      return rows.map((link, i) => ({
        link,
        tags: drafts[i]!.tags,
        pixels: drafts[i]!.pixels,
        rules: drafts[i]!.rules,
        domainHost: link.domainId === null ? null : hosts.get(link.domainId) ?? null,
      }));
    },

    async slugTaken(domainId: number | null, slug: string): Promise<boolean> {
      const row = domainId === null ? onDefaultDomain.get({ slug }) : onDomain.get({ domainId, slug });
      return row !== undefined;
    },

    async forRedirect(domainId: number | null, slug: string): Promise<RedirectLink | undefined> {
      const row = domainId === null ? onDefaultDomain.get({ slug }) : onDomain.get({ domainId, slug });
      if (!row) return undefined;
      return { ...row, rules: JSON.parse(row.rules) as Rule[] };
    },
  };
}

export type LinkStore = ReturnType<typeof createLinkStore>;
