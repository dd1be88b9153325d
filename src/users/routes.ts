// /api/me (the caller) and /api/users (admins manage users and their permissions).
import { Elysia, t } from "elysia";
import { idParams, oneOf } from "../http/schema";
import { apiAuth, securityDocs, type AuthDeps } from "../auth/plugin";
import { readCookie, SESSION_COOKIE } from "../auth/sessions";
import { formatDate } from "../http/dates";
import { errorResponses } from "../http/envelope";
import { addUser, changePassword, changeUser, listUsers, PERMISSIONS, regenerateToken, type ManageDeps, type Permission } from "./service";
import type { UserRow } from "./store";

export const userJson = t.Object({
  id: t.Number({ examples: [1] }),
  email: t.String({ examples: ["ana@example.com"] }),
  role: oneOf(["admin", "user"]),
  permissions: t.Array(oneOf(PERMISSIONS), { examples: [["api.access"]], description: "An admin has every permission" }),
  disabled: t.Boolean(),
  created_at: t.String({ examples: ["2026-11-24 13:33:17"] }),
});

export const presentUser = (u: UserRow) => ({
  id: u.id, email: u.email, role: u.role, permissions: u.role === "admin" ? [...PERMISSIONS] : (u.permissions as Permission[]),
  disabled: u.disabled, created_at: formatDate(u.createdAt),
});

const permissionList = t.Array(t.String({ maxLength: 50 }), { maxItems: 20, error: "The permissions must be a list such as [\"api.access\"].", examples: [["api.access"]] });
const role = oneOf(["admin", "user"], { error: "The role must be admin or user." });
const detail = (tag: string, summary: string, description?: string) => ({ tags: [tag], summary, description, security: securityDocs });

export function userRoutes(deps: ManageDeps & AuthDeps) {
  return new Elysia({ prefix: "/api" })
    .use(apiAuth(deps))
    .get("/me", ({ user }) => ({ status: "success" as const, user: presentUser(user) }), {
      response: { 200: t.Object({ status: t.Literal("success"), user: userJson }), ...errorResponses() },
      detail: detail("Account", "Who you are", "Your id, email, role and permissions."),
    })
    .post("/me/token", async ({ user }) => ({ status: "success" as const, api_token: await regenerateToken(deps, user) }), {
      response: { 200: t.Object({ status: t.Literal("success"), api_token: t.String() }), ...errorResponses(400, 413) },
      detail: detail("Account", "Issue a new API token", "The old token stops working at once. The new one is shown only in this answer; it is stored hashed."),
    })
    .post("/me/password", async ({ user, body, request, via }) => {
      const session = via === "session" ? readCookie(request.headers.get("cookie"), SESSION_COOKIE) : null;
      await changePassword(deps, user, body.current_password, body.new_password, session);
      return { status: "success" as const };
    }, {
      parse: "json",
      body: t.Object({
        current_password: t.String({ maxLength: 255, error: "The current password is required." }),
        new_password: t.String({ maxLength: 255, error: "The password must be 8 to 255 characters." }),
      }),
      response: { 200: t.Object({ status: t.Literal("success") }), ...errorResponses(400, 413, 422) },
      detail: detail("Account", "Change your password", "Needs the current one; ends every other session of yours (the API token stays)."),
    })
    .get("/users", async ({ user }) => ({ status: "success" as const, users: (await listUsers(deps, user)).map(presentUser) }), {
      response: { 200: t.Object({ status: t.Literal("success"), users: t.Array(userJson) }), ...errorResponses() },
      detail: detail("Users", "List users (admins)"),
    })
    .post("/users", async ({ user, body }) => {
      const created = await addUser(deps, user, body);
      return { status: "success" as const, user: presentUser(created.user), api_token: created.apiToken };
    }, {
      parse: "json",
      body: t.Object({
        email: t.String({ maxLength: 254, error: "This email is not valid.", examples: ["ana@example.com"] }),
        password: t.String({ maxLength: 255, error: "The password must be 8 to 255 characters." }),
        role: t.Optional(role),
        permissions: t.Optional(permissionList),
      }),
      response: { 200: t.Object({ status: t.Literal("success"), user: userJson, api_token: t.String() }), ...errorResponses(400, 413, 422) },
      detail: detail("Users", "Create a user (admins)", "Answers the new user's API token once."),
    })
    .patch("/users/:id", async ({ user, params, body }) => ({
      status: "success" as const, user: presentUser(await changeUser(deps, user, params.id, body)),
    }), {
      parse: "json",
      params: idParams,
      body: t.Object({ role: t.Optional(role), permissions: t.Optional(permissionList), disabled: t.Optional(t.Boolean({ error: "The disabled field must be true or false." })) }),
      response: { 200: t.Object({ status: t.Literal("success"), user: userJson }), ...errorResponses(400, 404, 413, 422) },
      detail: detail("Users", "Change a user (admins)", "Grant or revoke api.access, change the role, disable or enable."),
    });
}
