// Authenticates API requests by token (`?api_token=` as in the seed, or `Authorization: Bearer`).
// It runs as a derive, i.e. before body validation, so a request without a valid token gets 401, not 422.
import { Elysia } from "elysia";
import { ApiError } from "../http/errors";
import { throwIfUnreadable } from "../http/plugin";
import { hasPermission } from "../users/service";
import type { UserRow, UserStore } from "../users/store";
import { hashToken, sameDigest } from "./tokens";

export type AuthUser = UserRow;

function presentedToken(request: Request): string | null {
  const header = request.headers.get("authorization");
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match ? match[1]! : null;
  }
  const url = request.url;
  const q = url.indexOf("?");
  if (q === -1) return null;
  return new URLSearchParams(url.slice(q + 1)).get("api_token");
}

export async function authenticate(users: UserStore, request: Request): Promise<AuthUser> {
  const token = presentedToken(request);
  if (!token) throw new ApiError(401, { api_token: ["An API token is required."] }, { "www-authenticate": "Bearer" });
  const digest = hashToken(token);
  const user = token.length <= 200 ? await users.byTokenHash(digest) : undefined;
  if (!user || !user.apiTokenHash || !sameDigest(user.apiTokenHash, digest)) {
    throw new ApiError(401, { api_token: ["This API token is not valid."] }, { "www-authenticate": "Bearer" });
  }
  if (user.disabled) throw new ApiError(403, { api_token: ["This account is disabled."] });
  if (!hasPermission(user, "api.access")) {
    throw new ApiError(403, { api_token: ["This account does not have the api.access permission."] });
  }
  return user;
}

/** Use inside a feature plugin: every route declared after it gets `user`. */
export function apiAuth(users: UserStore) {
  return new Elysia().derive({ as: "scoped" }, async ({ request, body }) => {
    const user = await authenticate(users, request);
    throwIfUnreadable(body);
    return { user };
  });
}

export const securityDocs: Record<string, string[]>[] = [{ apiToken: [] }, { bearer: [] }];
