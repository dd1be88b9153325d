// Builds a kurz app on an in-memory database (or with `file`, a database file and the redirect's own
// connection to it, as kurz serve has), with helpers to make users and call it like a client.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp, createDeps, type AppDeps } from "../../src/app";
import { loadConfig, type Config } from "../../src/config";
import { migrate } from "../../src/db/migrate";
import { openDatabase } from "../../src/db/open";
import { openReader } from "../../src/db/reader";
import { generateToken, hashToken } from "../../src/auth/tokens";

export const BASE = "http://localhost";
export const PASSWORD = "correct horse";
/** A browser's User-Agent: a visit without one counts as a bot's. */
export const BROWSER = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36" };
const passwordHash = Bun.password.hash(PASSWORD, "argon2id");

export function testApp(options: { config?: Partial<Config>; deps?: Partial<AppDeps>; file?: boolean } = {}) {
  const dir = options.file ? mkdtempSync(join(tmpdir(), "kurz-test-")) : null;
  const path = dir ? join(dir, "kurz.sqlite") : ":memory:";
  const config = { ...loadConfig({}, {}), baseUrl: "http://localhost:8080", ...(dir ? { db: path } : {}), ...options.config };
  const db = openDatabase(path);
  migrate(db);
  const reader = dir ? openReader(path) : undefined;
  // No test reaches the internet; the metadata fetcher is exercised against local pages in its own tests.
  const noMetadata = { fetchMany: async (urls: string[]) => urls.map(() => ({ title: null, description: null })), fetch: async () => ({ title: null, description: null }) };
  const deps = createDeps(config, db, { log: () => {}, accessLog: null, metadata: noMetadata, ...(reader ? { reader } : {}), ...options.deps });
  const app = createApp(deps);

  const handle = (path: string, init: RequestInit = {}) => app.handle(new Request(`${BASE}${path}`, init));

  let users = 0;
  /** A user with a fresh API token (inserted directly: argon2 per test would dominate the suite's time). */
  async function user(options: { admin?: boolean; api?: boolean; email?: string; disabled?: boolean } = {}) {
    const token = generateToken();
    const now = new Date();
    const row = await deps.users.insert({
      email: options.email ?? `user${++users}@example.com`,
      passwordHash: await passwordHash,
      role: options.admin ? "admin" : "user",
      permissions: options.api === false ? [] : ["api.access"],
      apiTokenHash: hashToken(token),
      disabled: options.disabled ?? false,
      createdAt: now,
      updatedAt: now,
    });
    return { ...row, token };
  }

  /** POST /api/links/create with a bearer token and a JSON body. */
  async function create(token: string | null, body: unknown, headers: Record<string, string> = {}) {
    const response = await handle("/api/links/create", {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as any };
  }

  /** Any API call with a bearer token and an optional JSON body; answers status and parsed JSON. */
  async function call(token: string, method: string, path: string, body?: unknown) {
    const response = await handle(path, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  /** Closes a database file and removes it (an in-memory one goes with the test). */
  function close() {
    reader?.close();
    if (!dir) return;
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  }

  return { app, deps, db, config, handle, user, create, call, close };
}

export type TestApp = ReturnType<typeof testApp>;
