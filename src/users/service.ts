// Users: creation, API tokens, permissions and the first-start admin.
import { generateToken, hashToken } from "../auth/tokens";
import { ApiError, Problems } from "../http/errors";
import type { UserRow, UserStore } from "./store";

export const PERMISSIONS = ["api.access"] as const;
export type Permission = (typeof PERMISSIONS)[number];

export function hasPermission(user: UserRow, permission: Permission): boolean {
  return user.role === "admin" || user.permissions.includes(permission);
}

export interface UserDeps {
  users: UserStore;
  now: () => Date;
}

export interface NewUserInput {
  email: string;
  password: string;
  admin?: boolean;
  api?: boolean;
}

const emailPattern = /^[^\s@]+@[^\s@]+$/;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function createUser(deps: UserDeps, input: NewUserInput): Promise<{ user: UserRow; apiToken: string }> {
  const email = normalizeEmail(input.email);
  const problems = new Problems();
  if (!emailPattern.test(email) || email.length > 254) problems.add("email", "This email is not valid.");
  if (input.password.length < 8 || input.password.length > 255) problems.add("password", "The password must be 8 to 255 characters.");
  problems.throwIfAny();
  if (await deps.users.byEmail(email)) throw new ApiError(422, { email: ["A user with this email already exists."] });

  const apiToken = generateToken();
  const now = deps.now();
  const user = await deps.users.insert({
    email,
    passwordHash: await Bun.password.hash(input.password, "argon2id"),
    role: input.admin ? "admin" : "user",
    permissions: input.api || input.admin ? ["api.access"] : [],
    apiTokenHash: hashToken(apiToken),
    createdAt: now,
    updatedAt: now,
  });
  return { user, apiToken };
}

/** A new API token for the user; the previous one stops working at once. */
export async function issueToken(deps: UserDeps, email: string): Promise<{ user: UserRow; apiToken: string }> {
  const user = await deps.users.byEmail(normalizeEmail(email));
  if (!user) throw new ApiError(404, { email: ["No user has this email."] });
  const apiToken = generateToken();
  await deps.users.setTokenHash(user.id, hashToken(apiToken), deps.now());
  return { user, apiToken };
}

/**
 * On an empty database, creates the first admin: from KURZ_ADMIN_EMAIL / KURZ_ADMIN_PASSWORD when set,
 * otherwise with a random password that is returned (to be printed once). Never a default password.
 */
export async function bootstrapAdmin(
  deps: UserDeps,
  given: { email: string | null; password: string | null },
): Promise<{ email: string; password: string | null; apiToken: string } | null> {
  if ((await deps.users.count()) > 0) return null;
  const email = given.email ?? "admin@localhost";
  const password = given.password ?? generateToken().slice(0, 20);
  const { apiToken } = await createUser(deps, { email, password, admin: true, api: true });
  return { email: normalizeEmail(email), password: given.password ? null : password, apiToken };
}
