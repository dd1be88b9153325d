// Who may call what: every API endpoint × every kind of caller, read from one table. Each cell is a test
// that builds its own data, calls once and checks the status (for errors also the seed's envelope, and
// that a refused change changed nothing).
import { describe, expect, test } from "bun:test";
import { generateToken } from "../../src/auth/tokens";
import { PASSWORD, testApp } from "../support/app";
import { envelopeProblems } from "../support/fuzz";

/** The callers, in the table's column order. The two cookie callers are the owner's admin-page session. */
const callers = [
  "no token", "wrong token (Bearer)", "wrong token (?api_token)", "user without api.access",
  "other user", "owner", "admin", "session cookie without CSRF token", "session cookie with CSRF token",
] as const;
type Caller = (typeof callers)[number];
type Statuses = [number, number, number, number, number, number, number, number, number];

async function world() {
  const k = testApp({ config: { apiRateLimit: 0 } });
  const owner = await k.user();
  const other = await k.user();
  const admin = await k.user({ admin: true });
  const noApi = await k.user({ api: false });
  const now = new Date();
  const domain = await k.deps.domains.insert({ userId: owner.id, host: "go.owner.example", notFoundUrl: null, createdAt: now });
  const pixel = await k.deps.pixels.insert({ userId: owner.id, name: "owner's", type: "facebook", pixelId: "1234567890123456", createdAt: now });
  const created = await k.create(owner.token, { long_url: "https://example.com/owned" });
  const session = await k.deps.sessions.create(owner.id, now);
  return { k, owner, other, admin, noApi, domain, pixel, linkId: created.body.link.id as number, linkSlug: created.body.link.hash as string, session: { cookie: `kurz_session=${session.id}`, csrf: session.row.csrfToken } };
}
type World = Awaited<ReturnType<typeof world>>;

interface Row {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: (w: World) => string;
  body?: (w: World) => unknown;
  expect: Statuses;
  /** A list endpoint: the owner's item must show for the owner and the admin, and not for the other user. */
  list?: { key: string; id: (w: World) => number };
  /** Answers an image (SVG) on success instead of JSON. */
  image?: true;
  /** For changes and deletions: is the target still as it was? Checked whenever the call was refused. */
  unchanged?: (w: World) => Promise<boolean>;
}

let hosts = 0;
const link = async (w: World) => (await w.k.deps.links.get(w.linkId))?.link;

// The table. Owned resources are a 404 to other users (as if they did not exist); the users endpoints
// are a 403 to everyone but admins; a cookie without its CSRF token changes nothing (403), reads work.
//                                                               no    wrong  wrong  no    other owner admin cookie cookie
//                                                               token Bearer query  api   user              -CSRF  +CSRF
const table: Record<string, Row> = {
  "POST /api/links/create": {
    method: "POST", path: () => "/api/links/create", body: () => ({ long_url: "https://example.com/new" }),
    expect:                                                     [401,  401,   401,   403,  200,  200,  200,  403,   200],
  },
  "POST /api/links/create with the owner's domain_id": {
    method: "POST", path: () => "/api/links/create", body: (w) => ({ long_url: "https://example.com/new", domain_id: w.domain.id }),
    expect:                                                     [401,  401,   401,   403,  403,  200,  200,  403,   200],
  },
  "POST /api/links/create with the owner's pixel": {
    method: "POST", path: () => "/api/links/create", body: (w) => ({ long_url: "https://example.com/new", pixels: [w.pixel.id] }),
    expect:                                                     [401,  401,   401,   403,  403,  200,  200,  403,   200],
  },
  "GET /api/links": {
    method: "GET", path: () => "/api/links", list: { key: "links", id: (w) => w.linkId },
    expect:                                                     [401,  401,   401,   403,  200,  200,  200,  200,   200],
  },
  "GET /api/links/lookup": {
    method: "GET", path: (w) => `/api/links/lookup?short_url=${encodeURIComponent(`http://localhost:8080/${w.linkSlug}`)}`,
    expect:                                                     [401,  401,   401,   403,  404,  200,  200,  200,   200],
  },
  "GET /api/links/:id": {
    method: "GET", path: (w) => `/api/links/${w.linkId}`,
    expect:                                                     [401,  401,   401,   403,  404,  200,  200,  200,   200],
  },
  "PATCH /api/links/:id": {
    method: "PATCH", path: (w) => `/api/links/${w.linkId}`, body: () => ({ title: "changed" }), unchanged: async (w) => (await link(w))?.title === null,
    expect:                                                     [401,  401,   401,   403,  404,  200,  200,  403,   200],
  },
  "PATCH /api/links/:id moving the link to the owner's domain": {
    method: "PATCH", path: (w) => `/api/links/${w.linkId}`, body: (w) => ({ domain_id: w.domain.id }), unchanged: async (w) => (await link(w))?.domainId === null,
    expect:                                                     [401,  401,   401,   403,  404,  200,  200,  403,   200],
  },
  "DELETE /api/links/:id": {
    method: "DELETE", path: (w) => `/api/links/${w.linkId}`, unchanged: async (w) => (await link(w)) !== undefined,
    expect:                                                     [401,  401,   401,   403,  404,  200,  200,  403,   200],
  },
  "GET /api/links/:id/stats": {
    method: "GET", path: (w) => `/api/links/${w.linkId}/stats`,
    expect:                                                     [401,  401,   401,   403,  404,  200,  200,  200,   200],
  },
  "GET /api/links/:id/qr": {
    method: "GET", path: (w) => `/api/links/${w.linkId}/qr`, image: true,
    expect:                                                     [401,  401,   401,   403,  404,  200,  200,  200,   200],
  },
  "POST /api/domains": {
    method: "POST", path: () => "/api/domains", body: () => ({ host: `new${++hosts}.example.com` }),
    expect:                                                     [401,  401,   401,   403,  200,  200,  200,  403,   200],
  },
  "GET /api/domains": {
    method: "GET", path: () => "/api/domains", list: { key: "domains", id: (w) => w.domain.id },
    expect:                                                     [401,  401,   401,   403,  200,  200,  200,  200,   200],
  },
  "PATCH /api/domains/:id": {
    method: "PATCH", path: (w) => `/api/domains/${w.domain.id}`, body: () => ({ not_found_url: "https://example.com/changed" }),
    unchanged: async (w) => (await w.k.deps.domains.byId(w.domain.id))?.notFoundUrl === null,
    expect:                                                     [401,  401,   401,   403,  404,  200,  200,  403,   200],
  },
  "DELETE /api/domains/:id": {
    method: "DELETE", path: (w) => `/api/domains/${w.domain.id}`, unchanged: async (w) => (await w.k.deps.domains.byId(w.domain.id)) !== undefined,
    expect:                                                     [401,  401,   401,   403,  404,  200,  200,  403,   200],
  },
  "POST /api/pixels": {
    method: "POST", path: () => "/api/pixels", body: () => ({ name: "mine", type: "facebook", pixel_id: "6543210987654321" }),
    expect:                                                     [401,  401,   401,   403,  200,  200,  200,  403,   200],
  },
  "GET /api/pixels": {
    method: "GET", path: () => "/api/pixels", list: { key: "pixels", id: (w) => w.pixel.id },
    expect:                                                     [401,  401,   401,   403,  200,  200,  200,  200,   200],
  },
  "DELETE /api/pixels/:id": {
    method: "DELETE", path: (w) => `/api/pixels/${w.pixel.id}`, unchanged: async (w) => (await w.k.deps.pixels.byIds([w.pixel.id])).length === 1,
    expect:                                                     [401,  401,   401,   403,  404,  200,  200,  403,   200],
  },
  "GET /api/me": {
    method: "GET", path: () => "/api/me",
    expect:                                                     [401,  401,   401,   403,  200,  200,  200,  200,   200],
  },
  "POST /api/me/token": {
    method: "POST", path: () => "/api/me/token",
    expect:                                                     [401,  401,   401,   403,  200,  200,  200,  403,   200],
  },
  "POST /api/me/password": {
    method: "POST", path: () => "/api/me/password", body: () => ({ current_password: PASSWORD, new_password: "a new long password" }),
    expect:                                                     [401,  401,   401,   403,  200,  200,  200,  403,   200],
  },
  "GET /api/users": {
    method: "GET", path: () => "/api/users",
    expect:                                                     [401,  401,   401,   403,  403,  403,  200,  403,   403],
  },
  "POST /api/users": {
    method: "POST", path: () => "/api/users", body: () => ({ email: "new@example.com", password: "long enough password" }),
    expect:                                                     [401,  401,   401,   403,  403,  403,  200,  403,   403],
  },
  "PATCH /api/users/:id on the owner's own record": {
    method: "PATCH", path: (w) => `/api/users/${w.owner.id}`, body: () => ({ role: "admin" }),
    unchanged: async (w) => (await w.k.deps.users.byId(w.owner.id))?.role === "user",
    expect:                                                     [401,  401,   401,   403,  403,  403,  200,  403,   403],
  },
};

/** Headers and query string that present the caller's credentials. */
function credentials(w: World, caller: Caller): { headers: Record<string, string>; query: string } {
  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` }, query: "" });
  switch (caller) {
    case "no token":
      return { headers: {}, query: "" };
    case "wrong token (Bearer)":
      return bearer(generateToken());
    case "wrong token (?api_token)":
      return { headers: {}, query: `api_token=${generateToken()}` };
    case "user without api.access":
      return bearer(w.noApi.token);
    case "other user":
      return bearer(w.other.token);
    case "owner":
      return bearer(w.owner.token);
    case "admin":
      return bearer(w.admin.token);
    case "session cookie without CSRF token":
      return { headers: { cookie: w.session.cookie }, query: "" };
    case "session cookie with CSRF token":
      return { headers: { cookie: w.session.cookie, "x-csrf-token": w.session.csrf }, query: "" };
  }
}

for (const [endpoint, row] of Object.entries(table)) {
  describe(endpoint, () => {
    callers.forEach((caller, column) => {
      const status = row.expect[column]!;
      test(`${caller} → ${status}`, async () => {
        const w = await world();
        const { headers, query } = credentials(w, caller);
        const body = row.body?.(w);
        const path = row.path(w);
        const response = await w.k.handle(query ? `${path}?${query}` : path, {
          method: row.method,
          headers: { ...headers, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
          body: body !== undefined ? JSON.stringify(body) : undefined,
        });
        if (row.image && response.status === 200) {
          expect(status).toBe(200);
          expect(response.headers.get("content-type")).toStartWith("image/svg+xml");
          return;
        }
        const json = (await response.json()) as { status: string; messages?: Record<string, string[]> } & Record<string, unknown>;
        // Status and body together, so that a wrong status shows the message that came with it.
        expect({ status: response.status, body: json }).toMatchObject({ status });
        if (status >= 400) {
          expect(envelopeProblems(json)).toEqual([]);
          if (status === 401) expect(response.headers.get("www-authenticate")).toBe("Bearer");
          if (caller === "session cookie without CSRF token" && row.method !== "GET") expect(json.messages?.csrf).toBeArray();
          if (row.unchanged) expect(await row.unchanged(w)).toBe(true);
        } else {
          expect(json.status).toBe("success");
        }
        if (row.list && status === 200) {
          const ids = (json[row.list.key] as { id: number }[]).map((item) => item.id);
          expect(ids.includes(row.list.id(w))).toBe(caller !== "other user");
        }
      });
    });
  });
}

test("the table covers every API endpoint the app declares", () => {
  const declared = new Set(
    (testApp().app.routes as { method: string; path: string }[])
      .filter((r) => r.path.startsWith("/api/"))
      .map((r) => `${r.method} ${r.path.replace(/:\w+/g, ":id").replace(/\/$/, "")}`),
  );
  const covered = new Set(Object.keys(table).map((name) => name.split(" ").slice(0, 2).join(" ")));
  expect([...declared].filter((route) => !covered.has(route)).sort()).toEqual([]);
});
