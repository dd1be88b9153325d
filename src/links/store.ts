// All SQL about links, their tags, pixels and rules.
import { and, asc, count, desc, eq, getTableColumns, inArray, isNull, notExists, sql } from "drizzle-orm";
import type { Db } from "../db/open";
import type { Reader } from "../db/reader";
import { domains, linkPixels, links, linkTags, rules, tags } from "../db/schema";
import { isUniqueViolation } from "../db/errors";

export type LinkRow = typeof links.$inferSelect;
export interface Rule { type: string; key: string; value: string }

/** What a list of links may be sorted by. */
export const LINK_SORTS = ["created_at", "clicks", "title", "slug"] as const;
export type LinkSort = (typeof LINK_SORTS)[number];

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

/** The parts of a link a PATCH replaces; absent parts stay as they are. */
export interface LinkChange {
  link: Partial<Omit<typeof links.$inferInsert, "id" | "hash" | "slug" | "userId" | "createdAt">>;
  tags?: string[];
  pixels?: number[];
  rules?: Rule[];
}

export interface LinkPixel { type: string; id: string }

/** What a redirect needs to know about a link, read in one indexed lookup. */
export interface RedirectLink {
  id: number;
  longUrl: string;
  passwordHash: string | null;
  disabled: boolean;
  expiresAt: Date | null;
  rules: Rule[];
  pixels: LinkPixel[];
}

/** An alias that is already someone's slug on that domain. */
export class SlugTakenError extends Error {
  constructor(readonly index: number) {
    super("slug taken");
  }
}

const MAX_HASH_TRIES = 8;

// Most cached links have neither rules nor pixels: they share these, which saves the garbage collector
// two objects a link to trace at every full collection.
const NO_RULES: Rule[] = Object.freeze([]) as unknown as Rule[];
const NO_PIXELS: LinkPixel[] = Object.freeze([]) as unknown as LinkPixel[];

/** `reader`: a connection of its own for the redirect's reads (see reader.ts); without it they use `db`'s. */
export function createLinkStore(db: Db, reader?: Reader) {
  // The redirect's read, in plain SQL on bun:sqlite: it runs for every visit the cache misses, and
  // drizzle's row mapping costs half as much again as the lookup itself. Most links have neither rules
  // nor pixels: two EXISTS probes cost 0.5 µs where building their empty JSON lists cost 2 (at 1M links),
  // so the lists are read only for the links that have them. The redirect reads on the reader's connection
  // when there is one; slugTaken asks the same of the main connection, so that it sees a write's own changes.
  type RedirectRow = [id: number, longUrl: string, passwordHash: string | null, disabled: number, expiresAt: number | null, hasRules: number, hasPixels: number];
  const redirectSelect = `select l.id, l.long_url, l.password_hash, l.disabled, l.expires_at,
    exists(select 1 from rules r where r.link_id = l.id), exists(select 1 from link_pixels lp where lp.link_id = l.id)
    from links l`;
  const onDefault = `${redirectSelect} where l.domain_id is null and l.slug = ?`;
  const onDomain = `${redirectSelect} where l.domain_id = ? and l.slug = ?`;
  const redirectOnDefault = db.$client.query<RedirectRow, [string]>(onDefault);
  const redirectOnDomain = db.$client.query<RedirectRow, [number, string]>(onDomain);
  const client = reader?.client ?? db.$client;
  const readOnDefault = reader ? client.query<RedirectRow, [string]>(onDefault) : redirectOnDefault;
  const readOnDomain = reader ? client.query<RedirectRow, [number, string]>(onDomain) : redirectOnDomain;
  const rulesOf = client.query<[string], [number]>(`select json_group_array(json_object('type', r.type, 'key', r.key, 'value', r.value)
    order by r.position) from rules r where r.link_id = ?`);
  const pixelsOf = client.query<[string], [number]>(`select json_group_array(json_object('type', p.type, 'id', p.pixel_id) order by p.id)
    from link_pixels lp join pixels p on p.id = lp.pixel_id where lp.link_id = ?`);

  function forRedirectNow(domainId: number | null, slug: string): RedirectLink | undefined {
    reader?.begin();
    const row = (domainId === null ? readOnDefault.values(slug)[0] : readOnDomain.values(domainId, slug)[0]) as RedirectRow | undefined;
    if (!row) return undefined;
    const [id, longUrl, passwordHash, disabled, expiresAt, hasRules, hasPixels] = row;
    return {
      id, longUrl, passwordHash, disabled: disabled === 1, expiresAt: expiresAt === null ? null : new Date(expiresAt * 1000),
      rules: hasRules ? JSON.parse(rulesOf.values(id)[0]![0] as string) as Rule[] : NO_RULES,
      pixels: hasPixels ? JSON.parse(pixelsOf.values(id)[0]![0] as string) as LinkPixel[] : NO_PIXELS,
    };
  }

  function tagIds(userId: number, names: string[]): number[] {
    if (names.length === 0) return [];
    db.insert(tags).values(names.map((name) => ({ userId, name }))).onConflictDoNothing().run();
    const found = db.select({ id: tags.id, name: tags.name }).from(tags)
      .where(and(eq(tags.userId, userId), inArray(tags.name, names))).all();
    const byName = new Map(found.map((t) => [t.name, t.id]));
    return names.map((n) => {
      const id = byName.get(n);
      if (id === undefined) throw new Error(`tag "${n}" was not stored as given`);
      return id;
    });
  }

  // Creates are a hot path: the insert is prepared once. drizzle encodes every placeholder value through its
  // column, and a null timestamp cannot be encoded, so a link without expiry has a statement without the column.
  const insertColumns = {
    userId: sql.placeholder("userId"), domainId: sql.placeholder("domainId"), type: sql.placeholder("type"),
    hash: sql.placeholder("hash"), alias: sql.placeholder("alias"), slug: sql.placeholder("slug"),
    longUrl: sql.placeholder("longUrl"), title: sql.placeholder("title"), description: sql.placeholder("description"),
    passwordHash: sql.placeholder("passwordHash"), disabled: sql.placeholder("disabled"),
    createdAt: sql.placeholder("createdAt"), updatedAt: sql.placeholder("updatedAt"),
  };
  const insertLink = db.insert(links).values(insertColumns).returning().prepare();
  const insertExpiringLink = db.insert(links).values({ ...insertColumns, expiresAt: sql.placeholder("expiresAt") }).returning().prepare();
  const domainHost = db.select({ host: domains.host }).from(domains).where(eq(domains.id, sql.placeholder("id"))).prepare();

  function insertOne(draft: LinkDraft, index: number, makeHash: () => string): LinkRow {
    const values = {
      userId: draft.link.userId, domainId: draft.link.domainId ?? null, type: draft.link.type ?? "direct",
      alias: draft.link.alias ?? null, longUrl: draft.link.longUrl, title: draft.link.title ?? null,
      description: draft.link.description ?? null, passwordHash: draft.link.passwordHash ?? null,
      disabled: draft.link.disabled ?? false, createdAt: draft.link.createdAt, updatedAt: draft.link.updatedAt,
    };
    const expiresAt = draft.link.expiresAt ?? null;
    for (let attempt = 0; ; attempt++) {
      // A crowded hash space gets longer hashes rather than failing the create.
      const hash = attempt < MAX_HASH_TRIES ? makeHash() : makeHash() + makeHash().slice(0, 2);
      const slug = values.alias ?? hash;
      try {
        const row = expiresAt === null
          ? insertLink.get({ ...values, hash, slug })
          : insertExpiringLink.get({ ...values, expiresAt, hash, slug });
        return row!;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        if (draft.link.alias) throw new SlugTakenError(index);
        if (attempt >= MAX_HASH_TRIES * 2) throw error;
      }
    }
  }

  function setTags(link: LinkRow, names: string[]): void {
    db.delete(linkTags).where(eq(linkTags.linkId, link.id)).run();
    tagIds(link.userId, names).forEach((tagId, position) => {
      db.insert(linkTags).values({ linkId: link.id, tagId, position }).run();
    });
  }

  function setPixels(linkId: number, ids: number[]): void {
    db.delete(linkPixels).where(eq(linkPixels.linkId, linkId)).run();
    if (ids.length) db.insert(linkPixels).values(ids.map((pixelId) => ({ linkId, pixelId }))).run();
  }

  function setRules(linkId: number, list: Rule[]): void {
    db.delete(rules).where(eq(rules.linkId, linkId)).run();
    if (list.length) db.insert(rules).values(list.map((r, position) => ({ linkId, position, ...r }))).run();
  }

  /** Rows with their tags, pixels, rules and domain host, in a few queries for the whole page. */
  function records(rows: LinkRow[]): LinkRecord[] {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const group = <T>(items: { linkId: number; value: T }[]) => {
      const map = new Map<number, T[]>();
      for (const item of items) (map.get(item.linkId) ?? map.set(item.linkId, []).get(item.linkId)!).push(item.value);
      return map;
    };
    const tagMap = group(db.select({ linkId: linkTags.linkId, value: tags.name }).from(linkTags)
      .innerJoin(tags, eq(tags.id, linkTags.tagId)).where(inArray(linkTags.linkId, ids)).orderBy(linkTags.position).all());
    const pixelMap = group(db.select({ linkId: linkPixels.linkId, value: linkPixels.pixelId }).from(linkPixels)
      .where(inArray(linkPixels.linkId, ids)).orderBy(linkPixels.pixelId).all());
    const ruleMap = group(db.select({ linkId: rules.linkId, value: { type: rules.type, key: rules.key, value: rules.value } })
      .from(rules).where(inArray(rules.linkId, ids)).orderBy(rules.position).all());
    const domainIds = [...new Set(rows.flatMap((r) => (r.domainId === null ? [] : [r.domainId])))];
    const hosts = new Map(domainIds.length
      ? db.select({ id: domains.id, host: domains.host }).from(domains).where(inArray(domains.id, domainIds)).all().map((d) => [d.id, d.host])
      : []);
    return rows.map((link) => ({
      link,
      tags: tagMap.get(link.id) ?? [],
      pixels: pixelMap.get(link.id) ?? [],
      rules: ruleMap.get(link.id) ?? [],
      domainHost: link.domainId === null ? null : hosts.get(link.domainId) ?? null,
    }));
  }

  return {
    /**
     * Inserts every draft or none (one transaction); a random hash is retried when it collides. The
     * records are built from what was written (as `get` would read them back), not read again.
     */
    async insertMany(drafts: LinkDraft[], makeHash: () => string): Promise<LinkRecord[]> {
      const write = () => drafts.map((draft, index) => {
        const link = insertOne(draft, index, makeHash);
        if (draft.tags.length) setTags(link, draft.tags);
        if (draft.pixels.length) setPixels(link.id, draft.pixels);
        if (draft.rules.length) setRules(link.id, draft.rules);
        return link;
      });
      // A lone link without tags, pixels or rules is one statement, atomic by itself.
      const single = drafts.length === 1 && !drafts[0]!.tags.length && !drafts[0]!.pixels.length && !drafts[0]!.rules.length;
      const rows = single ? write() : db.transaction(write);
      const hosts = new Map<number, string | null>();
      return rows.map((link, i) => {
        const draft = drafts[i]!;
        let host: string | null = null;
        if (link.domainId !== null) {
          if (!hosts.has(link.domainId)) hosts.set(link.domainId, domainHost.get({ id: link.domainId })?.host ?? null);
          host = hosts.get(link.domainId)!;
        }
        return {
          link,
          tags: [...draft.tags],
          // In the order `records` reads them: pixels by id, rules by position (as given).
          pixels: [...draft.pixels].sort((a, b) => a - b),
          rules: draft.rules.map(({ type, key, value }) => ({ type, key, value })),
          domainHost: host,
        };
      });
    },

    /**
     * Changes a link in one transaction; only the parts given are replaced. When the alias is cleared the
     * slug falls back to the hash (a fresh one if another link took it meanwhile).
     */
    async update(id: number, change: LinkChange, makeHash: () => string): Promise<LinkRecord> {
      const row = db.transaction(() => {
        const current = db.select().from(links).where(eq(links.id, id)).get()!;
        const values = { ...change.link };
        const alias = "alias" in values ? values.alias ?? null : current.alias;
        let hash = current.hash;
        let updated: LinkRow | undefined;
        for (let attempt = 0; !updated; attempt++) {
          try {
            updated = db.update(links).set({ ...values, hash, slug: alias ?? hash }).where(eq(links.id, id)).returning().get();
          } catch (error) {
            if (!isUniqueViolation(error)) throw error;
            if (alias !== null) throw new SlugTakenError(0);
            if (attempt >= MAX_HASH_TRIES) throw error;
            hash = makeHash();
          }
        }
        if (change.tags) setTags(updated, change.tags);
        if (change.pixels) setPixels(id, change.pixels);
        if (change.rules) setRules(id, change.rules);
        return updated;
      });
      return records([row])[0]!;
    },

    async remove(id: number): Promise<void> {
      db.delete(links).where(eq(links.id, id)).run();
    },

    async get(id: number): Promise<LinkRecord | undefined> {
      const row = db.select().from(links).where(eq(links.id, id)).get();
      return row ? records([row])[0] : undefined;
    },

    /**
     * Newest first, or by `sort`; `q` searches slug, destination, title and description; `tag` names one of
     * the owner's tags. By clicks: the hourly counts and `pendingClicks`, those recorded since.
     */
    async list(filter: {
      userId: number | null; tag?: string; q?: string; page: number; perPage: number;
      sort?: LinkSort; order?: "asc" | "desc"; pendingClicks?: Map<number, number>;
    }) {
      const conditions = [];
      if (filter.userId !== null) conditions.push(eq(links.userId, filter.userId));
      if (filter.tag) {
        conditions.push(inArray(links.id, db.select({ id: linkTags.linkId }).from(linkTags)
          .innerJoin(tags, eq(tags.id, linkTags.tagId)).where(eq(tags.name, filter.tag))));
      }
      if (filter.q) {
        const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        conditions.push(sql`(${links.slug} like ${pattern} escape '\\' or ${links.longUrl} like ${pattern} escape '\\'
          or ${links.title} like ${pattern} escape '\\' or ${links.description} like ${pattern} escape '\\')`);
      }
      const where = conditions.length ? and(...conditions) : undefined;
      const total = db.select({ n: count() }).from(links).where(where).get()?.n ?? 0;
      const sort = filter.sort ?? "created_at";
      const order = filter.order ?? (sort === "title" || sort === "slug" ? "asc" : "desc");
      // By clicks: each link's human clicks added up by the hour, summed once for all links (not per row;
      // a fold keeps no running total: that doubled its writes, and the redirects' wait, when clicks spread
      // over many links), and the clicks not added up yet, which come as a JSON object of link id → clicks.
      // Both are grouped by link, so that SQLite makes each a table once and joins it by an index: the JSON
      // as a plain table-valued function was read once for every link (1,000,000 links with a backlog:
      // over an hour). The hourly counts are grouped in their key's order, without sorting them.
      // (The JSON written by hand: through Object.fromEntries, 1,000,000 links took 585 ms instead of 129.)
      const pendingJson = `{${Array.from(filter.pendingClicks ?? [], ([id, clicks]) => `"${id}":${clicks}`).join(",")}}`;
      const pending = db.$with("pending").as(db.select({
        linkId: sql<number>`cast(key as integer)`.as("link_id"), clicks: sql<number>`sum(value)`.as("clicks"),
      }).from(sql`json_each(${pendingJson})`).groupBy(sql`key`));
      // (Only the user's links' counts, when the list is one user's: a small account on a big install sorts fast.)
      const folded = db.$with("folded").as(db.select({ linkId: sql<number>`h.link_id`.as("folded_link_id"), clicks: sql<number>`sum(h.clicks)`.as("folded_clicks") })
        .from(sql`click_hours h join click_profiles p on p.id = h.profile_id and p.bot = 0`)
        .where(filter.userId === null ? undefined : sql`h.link_id in (select id from links where user_id = ${filter.userId})`)
        .groupBy(sql`h.link_id`));
      const by = {
        created_at: links.id,
        clicks: sql`coalesce(${folded.clicks}, 0) + coalesce(${pending.clicks}, 0)`,
        title: sql`coalesce(${links.title}, '') collate nocase`,
        slug: sql`${links.slug} collate nocase`,
      }[sort];
      const direction = order === "asc" ? asc : desc;
      // Ties (the same clicks, no title) in a stable order: newest first, or oldest when ascending.
      const rows = sort === "clicks"
        ? db.with(pending, folded).select(getTableColumns(links)).from(links)
          .leftJoin(pending, eq(pending.linkId, links.id)).leftJoin(folded, eq(folded.linkId, links.id)).where(where)
          .orderBy(direction(by), direction(links.id)).limit(filter.perPage).offset((filter.page - 1) * filter.perPage).all()
        : db.select().from(links).where(where).orderBy(direction(by), direction(links.id))
          .limit(filter.perPage).offset((filter.page - 1) * filter.perPage).all();
      return { records: records(rows), total };
    },

    async byId(id: number): Promise<LinkRow | undefined> {
      return db.select().from(links).where(eq(links.id, id)).get();
    },

    /**
     * The user's newest link to `longUrl` on that domain (and with that slug, when given) that a create
     * with find_if_exists may answer: a plain one (enabled, without expiry, password, rules or pixels).
     */
    async reusable(userId: number, domainId: number | null, longUrl: string, slug: string | null): Promise<LinkRecord | undefined> {
      const row = db.select().from(links).where(and(
        eq(links.userId, userId), eq(links.longUrl, longUrl),
        domainId === null ? isNull(links.domainId) : eq(links.domainId, domainId),
        slug === null ? undefined : eq(links.slug, slug),
        eq(links.disabled, false), isNull(links.passwordHash),
        isNull(links.expiresAt),
        notExists(db.select({ one: sql`1` }).from(rules).where(eq(rules.linkId, links.id))),
        notExists(db.select({ one: sql`1` }).from(linkPixels).where(eq(linkPixels.linkId, links.id))),
      )).orderBy(desc(links.id)).limit(1).get();
      return row ? records([row])[0] : undefined;
    },

    /** The id of the link with this slug on that domain (null: the default domain). */
    async idBySlug(domainId: number | null, slug: string): Promise<number | undefined> {
      const row = (domainId === null ? redirectOnDefault.values(slug) : redirectOnDomain.values(domainId, slug))[0] as RedirectRow | undefined;
      return row?.[0];
    },

    async slugTaken(domainId: number | null, slug: string): Promise<boolean> {
      return (domainId === null ? redirectOnDefault.values(slug) : redirectOnDomain.values(domainId, slug)).length > 0;
    },

    async forRedirect(domainId: number | null, slug: string): Promise<RedirectLink | undefined> {
      return forRedirectNow(domainId, slug);
    },

    /** forRedirect without a promise: SQLite answers at once, so the redirect fast path can fill its cache. */
    forRedirectNow,
  };
}

export type LinkStore = ReturnType<typeof createLinkStore>;
