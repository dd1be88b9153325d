import { describe, expect, test } from "bun:test";
import { testApp } from "../support/app";

describe("/api/me", () => {
  test("answers the caller's id, email, role and permissions", async () => {
    const k = testApp();
    const u = await k.user();
    const r = await k.call(u.token, "GET", "/api/me");
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ id: u.id, email: u.email, role: "user", permissions: ["api.access"] });
  });

  test("POST /api/me/token issues a new token and the old one stops working", async () => {
    const k = testApp();
    const u = await k.user();
    const r = await k.call(u.token, "POST", "/api/me/token");
    expect(r.body.api_token).toMatch(/^[A-Za-z0-9]{40}$/);
    expect((await k.call(u.token, "GET", "/api/me")).status).toBe(401);
    expect((await k.call(r.body.api_token, "GET", "/api/me")).status).toBe(200);
  });

  test("POST /api/me/password needs the current password", async () => {
    const k = testApp();
    const u = await k.user();
    expect((await k.call(u.token, "POST", "/api/me/password", { current_password: "wrong", new_password: "new password 1" })).body.messages.current_password).toBeArray();
    expect((await k.call(u.token, "POST", "/api/me/password", { current_password: "correct horse", new_password: "short" })).body.messages.new_password).toBeArray();
    expect((await k.call(u.token, "POST", "/api/me/password", { current_password: "correct horse", new_password: "new password 1" })).status).toBe(200);
    const login = await k.handle("/admin/login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: u.email, password: "new password 1" }) });
    expect(login.status).toBe(200);
  });
});

describe("/api/users (admins)", () => {
  test("an admin lists, creates and changes users", async () => {
    const k = testApp();
    const admin = await k.user({ admin: true });
    const created = await k.call(admin.token, "POST", "/api/users", { email: "New@Example.com", password: "long password", permissions: [] });
    expect(created.status).toBe(200);
    expect(created.body.user).toMatchObject({ email: "new@example.com", role: "user", permissions: [], disabled: false });
    const token = created.body.api_token;
    expect((await k.call(token, "GET", "/api/me")).status).toBe(403);

    const granted = await k.call(admin.token, "PATCH", `/api/users/${created.body.user.id}`, { permissions: ["api.access"] });
    expect(granted.body.user.permissions).toEqual(["api.access"]);
    expect((await k.call(token, "GET", "/api/me")).status).toBe(200);

    await k.call(admin.token, "PATCH", `/api/users/${created.body.user.id}`, { disabled: true });
    expect((await k.call(token, "GET", "/api/me")).status).toBe(403);
    const list = await k.call(admin.token, "GET", "/api/users");
    expect(list.body.users.map((u: any) => u.email)).toContain("new@example.com");
  });

  test("a user who is not an admin gets 403 on every users endpoint", async () => {
    const k = testApp();
    const u = await k.user();
    expect((await k.call(u.token, "GET", "/api/users")).status).toBe(403);
    expect((await k.call(u.token, "POST", "/api/users", { email: "x@example.com", password: "long password" })).status).toBe(403);
    expect((await k.call(u.token, "PATCH", `/api/users/${u.id}`, { role: "admin" })).status).toBe(403);
  });

  test("bad input is a 422: duplicate email, unknown permission, self-demotion", async () => {
    const k = testApp();
    const admin = await k.user({ admin: true });
    expect((await k.call(admin.token, "POST", "/api/users", { email: admin.email, password: "long password" })).body.messages.email).toBeArray();
    expect((await k.call(admin.token, "POST", "/api/users", { email: "a@example.com", password: "long password", permissions: ["root"] })).body.messages["permissions.0"]).toBeArray();
    expect((await k.call(admin.token, "PATCH", `/api/users/${admin.id}`, { disabled: true })).status).toBe(422);
    expect((await k.call(admin.token, "PATCH", "/api/users/9999", { disabled: true })).status).toBe(404);
  });

  test("the same email created four times at once: one user and three 422s, no 500", async () => {
    const k = testApp();
    const admin = await k.user({ admin: true });
    const answers = await Promise.all([1, 2, 3, 4].map(() => k.call(admin.token, "POST", "/api/users", { email: "race@example.com", password: "long password" })));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 422, 422, 422]);
    for (const r of answers.filter((a) => a.status === 422)) expect(r.body.messages).toEqual({ email: ["A user with this email already exists."] });
    expect((await k.call(admin.token, "GET", "/api/users")).body.users.filter((u: { email: string }) => u.email === "race@example.com")).toHaveLength(1);
  });
});
