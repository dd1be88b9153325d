// After a right password, a signed, short-lived, HttpOnly cookie spares the visitor a second prompt.
// The signature covers the link's password hash, so changing the password locks every browser out again.
import { createHmac } from "node:crypto";
import { readCookie } from "../auth/sessions";
import { sameDigest } from "../auth/tokens";

export const UNLOCK_SECONDS = 30 * 60;

const cookieName = (linkId: number) => `kurz_unlock_${linkId}`;

export function createUnlocks(key: () => Promise<string>) {
  const sign = async (linkId: number, passwordHash: string, expires: number) =>
    createHmac("sha256", await key()).update(`${linkId}:${expires}:${passwordHash}`).digest("hex");

  return {
    /** A Set-Cookie value for this link, scoped to its path. */
    async cookie(link: { id: number; passwordHash: string }, path: string, secure: boolean, now: Date): Promise<string> {
      const expires = Math.floor(now.getTime() / 1000) + UNLOCK_SECONDS;
      const value = `${expires}.${await sign(link.id, link.passwordHash, expires)}`;
      return `${cookieName(link.id)}=${value}; Path=${path}; Max-Age=${UNLOCK_SECONDS}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
    },

    async unlocked(link: { id: number; passwordHash: string }, cookieHeader: string | null, now: Date): Promise<boolean> {
      const value = readCookie(cookieHeader, cookieName(link.id));
      const match = value ? /^(\d{1,12})\.([0-9a-f]{64})$/.exec(value) : null;
      if (!match) return false;
      const expires = Number(match[1]);
      if (expires <= now.getTime() / 1000) return false;
      return sameDigest(match[2]!, await sign(link.id, link.passwordHash, expires));
    },
  };
}

export type Unlocks = ReturnType<typeof createUnlocks>;
