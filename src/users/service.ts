// Users: creation, API tokens, permissions and the first-start admin.
import { generateToken, hashToken } from "../auth/tokens";
import { isUniqueViolation } from "../db/errors";
import { ApiError, Problems } from "../http/errors";
import type { UserRow, UserStore } from "./store";

export const PERMISSIONS = ["api.access"] as const;
export type Permission = (typeof PERMISSIONS)[number];

export function isAdmin(user: UserRow): boolean {
  return user.role === "admin";
}

export function hasPermission(user: UserRow, permission: Permission): boolean {
  return isAdmin(user) || user.permissions.includes(permission);
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
  const emailTaken = () => new ApiError(422, { email: ["A user with this email already exists."] });
  if (await deps.users.byEmail(email)) throw emailTaken();

  const apiToken = generateToken();
  const passwordHash = await Bun.password.hash(input.password, "argon2id");
  const now = deps.now();
  try {
    const user = await deps.users.insert({
      email,
      passwordHash,
      role: input.admin ? "admin" : "user",
      permissions: input.api || input.admin ? ["api.access"] : [],
      apiTokenHash: hashToken(apiToken),
      createdAt: now,
      updatedAt: now,
    });
    return { user, apiToken };
  } catch (error) {
    // Another request created the same email while the password was being hashed.
    if (isUniqueViolation(error)) throw emailTaken();
    throw error;
  }
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

export interface ManageDeps extends UserDeps {
  sessions: { removeForUser(userId: number, keep?: string | null): Promise<void> };
}

function requireAdmin(user: UserRow): void {
  if (!isAdmin(user)) throw new ApiError(403, { user: ["Only admins may manage users."] });
}

function checkPermissions(list: string[], problems: Problems): Permission[] {
  const known = new Set<string>(PERMISSIONS);
  list.forEach((p, i) => {
    if (!known.has(p)) problems.add(`permissions.${i}`, `Unknown permission; known: ${PERMISSIONS.join(", ")}.`);
  });
  return [...new Set(list)] as Permission[];
}

export async function listUsers(deps: UserDeps, actor: UserRow): Promise<UserRow[]> {
  requireAdmin(actor);
  return deps.users.list();
}

export async function addUser(deps: UserDeps, actor: UserRow, input: { email: string; password: string; role?: "admin" | "user"; permissions?: string[] }) {
  requireAdmin(actor);
  const problems = new Problems();
  const permissions = checkPermissions(input.permissions ?? [], problems);
  problems.throwIfAny();
  const created = await createUser(deps, { email: input.email, password: input.password, admin: input.role === "admin" });
  const user = await deps.users.update(created.user.id, { permissions }, deps.now());
  return { user, apiToken: created.apiToken };
}

/** Grants or revokes permissions, changes the role, disables or enables a user (admins only). */
export async function changeUser(
  deps: ManageDeps,
  actor: UserRow,
  id: number,
  input: { role?: "admin" | "user"; permissions?: string[]; disabled?: boolean },
): Promise<UserRow> {
  requireAdmin(actor);
  const target = await deps.users.byId(id);
  if (!target) throw new ApiError(404, { id: ["No such user."] });
  const problems = new Problems();
  const permissions = input.permissions === undefined ? undefined : checkPermissions(input.permissions, problems);
  if (target.id === actor.id && (input.disabled === true || input.role === "user")) {
    problems.add("id", "You cannot disable or demote yourself; ask another admin.");
  }
  problems.throwIfAny();
  const user = await deps.users.update(id, { role: input.role, permissions, disabled: input.disabled }, deps.now());
  if (input.disabled) await deps.sessions.removeForUser(id);
  return user;
}

export async function regenerateToken(deps: UserDeps, user: UserRow): Promise<string> {
  return (await issueToken(deps, user.email)).apiToken;
}

/** A new password; every other session of the user ends (`session`: the one asking, which stays). */
export async function changePassword(deps: ManageDeps, user: UserRow, current: string, next: string, session: string | null): Promise<void> {
  if (!(await Bun.password.verify(current, user.passwordHash).catch(() => false))) {
    throw new ApiError(422, { current_password: ["The current password is not right."] });
  }
  if (next.length < 8 || next.length > 255) throw new ApiError(422, { new_password: ["The password must be 8 to 255 characters."] });
  await deps.users.update(user.id, { passwordHash: await Bun.password.hash(next, "argon2id") }, deps.now());
  // Whoever knew the old password (a lost laptop, a shared login) is logged out too.
  await deps.sessions.removeForUser(user.id, session);
}

/** Email and password, for the admin page's login; the same answer for an unknown email and a wrong password. */
export async function checkLogin(deps: UserDeps, email: string, password: string): Promise<UserRow> {
  const user = await deps.users.byEmail(normalizeEmail(email));
  // Verify against something even for unknown emails, so timing does not tell which emails exist.
  const hash = user?.passwordHash ?? (await dummyHash);
  const right = await Bun.password.verify(password.slice(0, 255), hash).catch(() => false);
  if (!user || !right) throw new ApiError(422, { email: ["The email or password is not right."] });
  if (user.disabled) throw new ApiError(403, { email: ["This account is disabled."] });
  return user;
}

const dummyHash = Bun.password.hash("not a real password", "argon2id");
