// All SQL about custom domains.
import { count, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../db/open";
import { domains, links } from "../db/schema";

export type DomainRow = typeof domains.$inferSelect;

export function createDomainStore(db: Db) {
  const byHost = db.select().from(domains).where(eq(domains.host, sql.placeholder("host"))).prepare();
  const anyDomain = db.$client.query<{ any: number }, []>("select exists (select 1 from domains) as any");
  return {
    /** Whether any custom domain exists, answered at once (the redirect fast path asks). */
    anyNow(): boolean {
      return anyDomain.get()!.any === 1;
    },
    async byId(id: number): Promise<DomainRow | undefined> {
      return db.select().from(domains).where(eq(domains.id, id)).get();
    },
    async byHost(host: string): Promise<DomainRow | undefined> {
      return byHost.get({ host });
    },
    async list(userId: number | null): Promise<DomainRow[]> {
      const q = db.select().from(domains);
      return (userId === null ? q : q.where(eq(domains.userId, userId))).orderBy(desc(domains.id)).all();
    },
    async insert(values: typeof domains.$inferInsert): Promise<DomainRow> {
      return db.insert(domains).values(values).returning().get();
    },
    async setNotFoundUrl(id: number, notFoundUrl: string | null): Promise<DomainRow> {
      return db.update(domains).set({ notFoundUrl }).where(eq(domains.id, id)).returning().get()!;
    },
    async linkCount(id: number): Promise<number> {
      return db.select({ n: count() }).from(links).where(eq(links.domainId, id)).get()?.n ?? 0;
    },
    async remove(id: number): Promise<void> {
      db.delete(domains).where(eq(domains.id, id)).run();
    },
  };
}

export type DomainStore = ReturnType<typeof createDomainStore>;
