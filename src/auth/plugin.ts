// Authenticates API requests: by token (`?api_token=` as in the seed, or `Authorization: Bearer`), or by
// the admin page's session cookie. It runs as a derive, i.e. before body validation, so a request
// without valid credentials gets 401, not 422.
import { Elysia } from "elysia";
import { ApiError } from "../http/errors";
import type { RateLimiter } from "../http/rate-limit";
import { throwIfUnreadable } from "../http/plugin";
import { hasPermission } from "../users/service";
import type { UserRow, UserStore } from "../users/store";
import { readCookie, SESSION_COOKIE, type SessionStore } from "./sessions";
import { hashToken, sameDigest } from "./tokens";

export type AuthUser = UserRow;

export interface AuthDeps {
  users: UserStore;
  sessions: SessionStore;
  apiLimiter: RateLimiter | null;
  now: () => Date;
}

export type Authenticated = {
  user: AuthUser;
  via: "token" | "session";
};

const unauthorized = (message: string) => new ApiError(401, { api_token: [message] }, { "www-authenticate": "Bearer" });
const changesState = (method: string) => method !== "GET" && method !== "HEAD" && method !== "OPTIONS";

/** The token the client presented: null when none; "" when the Authorization header is malformed. */
function presentedToken(request: Request): string | null {
  const header = request.headers.get("authorization");
  if (header) return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? "";
  const q = request.url.indexOf("?");
  return q === -1 ? null : new URLSearchParams(request.url.slice(q + 1)).get("api_token");
}

async function byToken(deps: AuthDeps, token: string): Promise<AuthUser> {
  const digest = hashToken(token);
  const user = token && token.length <= 200 ? await deps.users.byTokenHash(digest) : undefined;
  if (!user || !user.apiTokenHash || !sameDigest(user.apiTokenHash, digest)) throw unauthorized("This API token is not valid.");
  if (user.disabled) throw new ApiError(403, { api_token: ["This account is disabled."] });
  if (!hasPermission(user, "api.access")) {
    throw new ApiError(403, { api_token: ["This account does not have the api.access permission."] });
  }
  return user;
}

/** Whether the request's X-CSRF-Token is the session's, compared in constant time. */
export function csrfTokenMatches(request: Request, csrfToken: string): boolean {
  return sameDigest(hashToken(request.headers.get("x-csrf-token") ?? ""), hashToken(csrfToken));
}

async function bySession(deps: AuthDeps, request: Request, sessionId: string): Promise<AuthUser> {
  const session = await deps.sessions.find(sessionId, deps.now());
  const user = session ? await deps.users.byId(session.userId) : undefined;
  if (!session || !user || user.disabled) throw unauthorized("Your session has ended; log in again.");
  // A cross-site page can make the browser send the cookie, but cannot read the token to send with it.
  if (changesState(request.method)) {
    if (!csrfTokenMatches(request, session.csrfToken)) {
      throw new ApiError(403, { csrf: ["This request did not come from the admin page (missing or wrong X-CSRF-Token)."] });
    }
  }
  return user;
}

export async function authenticate(deps: AuthDeps, request: Request): Promise<Authenticated> {
  const token = presentedToken(request);
  if (token !== null) return { user: await byToken(deps, token), via: "token" };
  const sessionId = readCookie(request.headers.get("cookie"), SESSION_COOKIE);
  if (sessionId) return { user: await bySession(deps, request, sessionId), via: "session" };
  throw unauthorized("An API token is required.");
}

/** Use inside a feature plugin: every route declared after it gets `user` (and `via`). */
export function apiAuth(deps: AuthDeps) {
  return new Elysia().derive({ as: "scoped" }, async ({ request, body }) => {
    const auth = await authenticate(deps, request);
    // Per user, whichever way they came in: scripts and bulk jobs fit well within the default 6000 a minute.
    const limit = deps.apiLimiter?.hit(`user:${auth.user.id}`);
    if (limit && !limit.allowed) {
      throw new ApiError(429, { api_token: [`Too many requests; try again in ${limit.retryAfterSeconds} s.`] }, {
        "retry-after": String(limit.retryAfterSeconds),
      });
    }
    throwIfUnreadable(body);
    return auth;
  });
}

export const securityDocs: Record<string, string[]>[] = [{ apiToken: [] }, { bearer: [] }];
