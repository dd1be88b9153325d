// All SQL about users.
import { count, eq, sql } from "drizzle-orm";
import type { Db } from "../db/open";
import { users } from "../db/schema";

export type UserRow = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;

export function createUserStore(db: Db) {
  const byTokenHash = db.select().from(users).where(eq(users.apiTokenHash, sql.placeholder("hash"))).prepare();
  return {
    async insert(values: NewUser): Promise<UserRow> {
      return db.insert(users).values(values).returning().get();
    },
    async byEmail(email: string): Promise<UserRow | undefined> {
      return db.select().from(users).where(eq(users.email, email)).get();
    },
    async byId(id: number): Promise<UserRow | undefined> {
      return db.select().from(users).where(eq(users.id, id)).get();
    },
    async list(): Promise<UserRow[]> {
      return db.select().from(users).orderBy(users.id).all();
    },
    async update(id: number, values: Partial<Pick<NewUser, "role" | "permissions" | "disabled" | "passwordHash">>, now: Date): Promise<UserRow> {
      return db.update(users).set({ ...values, updatedAt: now }).where(eq(users.id, id)).returning().get()!;
    },
    async byTokenHash(hash: string): Promise<UserRow | undefined> {
      return byTokenHash.get({ hash });
    },
    async setTokenHash(id: number, hash: string, now: Date): Promise<void> {
      db.update(users).set({ apiTokenHash: hash, updatedAt: now }).where(eq(users.id, id)).run();
    },
    async count(): Promise<number> {
      return db.select({ n: count() }).from(users).get()?.n ?? 0;
    },
  };
}

export type UserStore = ReturnType<typeof createUserStore>;
