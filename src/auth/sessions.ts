// Admin-page sessions: a random id in an HttpOnly cookie, stored as its sha256, with a CSRF token.
import { and, eq, gt, lt, ne } from "drizzle-orm";
import type { Db } from "../db/open";
import { sessions } from "../db/schema";
import { generateToken, hashToken } from "./tokens";

export const SESSION_COOKIE = "kurz_session";
export const SESSION_SECONDS = 7 * 24 * 3600;

export type SessionRow = typeof sessions.$inferSelect;

export function createSessionStore(db: Db) {
  return {
    async create(userId: number, now: Date): Promise<{ id: string; row: SessionRow }> {
      const id = generateToken();
      const row = db.insert(sessions).values({
        idHash: hashToken(id),
        userId,
        csrfToken: generateToken(),
        expiresAt: new Date(now.getTime() + SESSION_SECONDS * 1000),
        createdAt: now,
      }).returning().get();
      // Old sessions go as new ones come; no timer needed.
      db.delete(sessions).where(lt(sessions.expiresAt, now)).run();
      return { id, row };
    },
    async find(id: string, now: Date): Promise<SessionRow | undefined> {
      return db.select().from(sessions).where(and(eq(sessions.idHash, hashToken(id)), gt(sessions.expiresAt, now))).get();
    },
    async remove(id: string): Promise<void> {
      db.delete(sessions).where(eq(sessions.idHash, hashToken(id))).run();
    },
    /** Ends the user's sessions, but for `keep` (the session id that asks, which stays logged in). */
    async removeForUser(userId: number, keep?: string | null): Promise<void> {
      const others = keep ? and(eq(sessions.userId, userId), ne(sessions.idHash, hashToken(keep))) : eq(sessions.userId, userId);
      db.delete(sessions).where(others).run();
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;

export function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

export function sessionCookie(id: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${id}; Path=/; Max-Age=${SESSION_SECONDS}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

/**
 * Whether cookies set for this request should be Secure: it came over https (to kurz, or to a trusted
 * proxy that says so), or it names the host of an https base URL, which is reached over TLS even when
 * the proxy in front is not trusted. Reached another way (http://<ip>:8080 while setting up), a Secure
 * cookie would not be kept and logging in would fail.
 */
export function cookiesSecure(request: Request, config: { trustProxy: boolean; baseUrl: string }): boolean {
  if (request.url.startsWith("https:")) return true;
  if (config.trustProxy && request.headers.get("x-forwarded-proto") === "https") return true;
  return config.baseUrl.startsWith("https:") && request.headers.get("host") === new URL(config.baseUrl).host;
}
