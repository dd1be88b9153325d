// All SQL about custom domains.
import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/open";
import { domains } from "../db/schema";

export type DomainRow = typeof domains.$inferSelect;

export function createDomainStore(db: Db) {
  const byHost = db.select().from(domains).where(eq(domains.host, sql.placeholder("host"))).prepare();
  return {
    async byId(id: number): Promise<DomainRow | undefined> {
      return db.select().from(domains).where(eq(domains.id, id)).get();
    },
    async byHost(host: string): Promise<DomainRow | undefined> {
      return byHost.get({ host });
    },
    async insert(values: typeof domains.$inferInsert): Promise<DomainRow> {
      return db.insert(domains).values(values).returning().get();
    },
  };
}

export type DomainStore = ReturnType<typeof createDomainStore>;
