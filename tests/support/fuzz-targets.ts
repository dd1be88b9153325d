// What the fuzz suite aims at: one app with users, a link, a domain and a pixel, and every endpoint
// that reads a body, with a valid body to break one field at a time.
import { PASSWORD, testApp, type TestApp } from "./app";
import { Entries } from "./fuzz";

export type Actor = Awaited<ReturnType<TestApp["user"]>> & { session: string; csrf: string };
export type AuthMode = "bearer" | "query" | "cookie";

export async function fuzzFixture(options: { trustProxy?: boolean } = {}) {
  // The API rate limit would turn most of the storm into 429s and hide what is behind them.
  const k = testApp({ config: { apiRateLimit: 0, trustProxy: options.trustProxy ?? false } });
  const actor = async (o: Parameters<TestApp["user"]>[0] = {}): Promise<Actor> => {
    const u = await k.user(o);
    const session = await k.deps.sessions.create(u.id, new Date());
    return { ...u, session: session.id, csrf: session.row.csrfToken };
  };
  const admin = await actor({ admin: true });
  const owner = await actor();
  /** Only the canary creates links to prove the app still works; nothing fuzzes it. */
  const canary = await actor();
  /** The target of PATCH /api/users/:id field fuzzing. */
  const victim = await actor();
  /** Changes its own password under fuzzing. */
  const account = await actor();
  const now = new Date();
  const domain = await k.deps.domains.insert({ userId: owner.id, host: "go.fuzz.example", notFoundUrl: null, createdAt: now });
  const pixel = await k.deps.pixels.insert({ userId: owner.id, name: "fuzz", type: "facebook", pixelId: "1234567890123456", createdAt: now });
  const link = await k.create(owner.token, { long_url: "https://example.com/fuzz", alias: "fuzz-target", tags: ["t"], pixels: [pixel.id] });
  const locked = await k.create(owner.token, { long_url: "https://example.com/locked", alias: "fuzz-locked", password: "open sesame" });
  if (link.status !== 200 || locked.status !== 200) throw new Error(`fixture links: ${link.status} ${locked.status}`);

  /** Headers and query for `who` by one of the three ways in (CSRF token sent with the cookie). */
  const auth = (who: Actor, mode: AuthMode): { headers: Record<string, string>; query: string } =>
    mode === "bearer" ? { headers: { authorization: `Bearer ${who.token}` }, query: "" }
    : mode === "query" ? { headers: {}, query: `api_token=${who.token}` }
    : { headers: { cookie: `kurz_session=${who.session}`, "x-csrf-token": who.csrf }, query: "" };

  return { k, admin, owner, canary, victim, account, domain, pixel, linkId: link.body.link.id as number, auth };
}

export type Fixture = Awaited<ReturnType<typeof fuzzFixture>>;

export interface BodyTarget {
  route: string;
  method: string;
  path: (f: Fixture) => string;
  /** Who calls it; null for the unauthenticated admin-page and redirect endpoints. */
  actor: ((f: Fixture) => Actor) | null;
  /** A valid body; `field` names the field about to be broken, for bodies that depend on it. */
  base: (f: Fixture, field: string) => Record<string, unknown>;
  /** Dotted paths into the body: `rules.0.key`. */
  fields: string[];
  /** Cases per field (argon2-heavy endpoints get fewer). */
  runs: number;
  /** How the body is sent; JSON unless said. */
  form?: boolean;
}

const linkFields = [
  "long_url", "alias", "domain_id", "password", "disabled", "title", "description", "tags", "tags.0", "expires_at",
  "pixels", "pixels.0", "rules", "rules.0", "rules.0.type", "rules.0.key", "rules.0.value",
];

function linkBase(f: Fixture, field: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    long_url: "https://example.com/page?x=1",
    title: "A title",
    description: "A description",
    tags: ["news", "fuzz"],
    expires_at: "2099-12-31 23:59:59",
    pixels: [f.pixel.id],
    domain_id: f.domain.id,
    disabled: false,
    rules: [{ type: "geo", key: "de", value: "https://example.de/" }, { type: "device", key: "phone", value: "https://m.example.com/" }],
  };
  if (field.startsWith("multiple_urls")) {
    delete body.long_url;
    body.multiple_urls = ["https://example.com/a", "https://example.com/b"];
  }
  return body;
}

export const bodyTargets: BodyTarget[] = [
  {
    route: "POST /api/links/create", method: "POST", path: () => "/api/links/create", actor: (f) => f.owner,
    base: linkBase, fields: [...linkFields, "multiple_urls", "multiple_urls.0"], runs: 22,
  },
  {
    route: "PATCH /api/links/:id", method: "PATCH", path: (f) => `/api/links/${f.linkId}`, actor: (f) => f.owner,
    base: linkBase, fields: linkFields, runs: 12,
  },
  {
    route: "POST /api/domains", method: "POST", path: () => "/api/domains", actor: (f) => f.owner,
    base: () => ({ host: "new.fuzz.example", not_found_url: "https://example.com/404" }), fields: ["host", "not_found_url"], runs: 25,
  },
  {
    route: "POST /api/pixels", method: "POST", path: () => "/api/pixels", actor: (f) => f.owner,
    base: () => ({ name: "Main", type: "google_analytics", pixel_id: "G-ABC123DEF4" }), fields: ["name", "type", "pixel_id"], runs: 20,
  },
  {
    route: "POST /api/users", method: "POST", path: () => "/api/users", actor: (f) => f.admin,
    base: () => ({ email: "fuzz-new@example.com", password: "long enough password", role: "user", permissions: ["api.access"] }),
    fields: ["email", "password", "role", "permissions", "permissions.0"], runs: 10,
  },
  {
    route: "PATCH /api/users/:id", method: "PATCH", path: (f) => `/api/users/${f.victim.id}`, actor: (f) => f.admin,
    base: () => ({ role: "user", permissions: ["api.access"], disabled: false }), fields: ["role", "permissions", "permissions.0", "disabled"], runs: 12,
  },
  {
    route: "POST /api/me/password", method: "POST", path: () => "/api/me/password", actor: (f) => f.account,
    base: () => ({ current_password: PASSWORD, new_password: "another long password" }), fields: ["current_password", "new_password"], runs: 7,
  },
  {
    route: "POST /admin/login", method: "POST", path: () => "/admin/login", actor: null,
    base: () => ({ email: "nobody@example.com", password: "not the password" }), fields: ["email", "password"], runs: 7,
  },
  {
    route: "POST /:slug (password form)", method: "POST", path: () => "/fuzz-locked", actor: null,
    base: () => ({ password: "wrong guess" }), fields: ["password"], runs: 12, form: true,
  },
];

/** A deep copy of `base` with the value at the dotted `path` replaced (any JSON-writable value, Raw included). */
export function withField(base: Record<string, unknown>, path: string, value: unknown): Entries {
  const [head, ...rest] = path.split(".");
  const entries = Object.entries(structuredClone(base));
  const index = entries.findIndex(([k]) => k === head);
  if (rest.length === 0) {
    if (index === -1) entries.push([head!, value]);
    else entries[index] = [head!, value];
    return new Entries(entries);
  }
  let container: unknown = entries[index]?.[1];
  for (const key of rest.slice(0, -1)) container = (container as Record<string, unknown>)[key];
  (container as Record<string, unknown>)[rest.at(-1)!] = value;
  return new Entries(entries);
}

/** Every method + path the app answers, with the fixture's ids filled in. */
export function allRoutes(f: Fixture): { method: string; path: string }[] {
  return [
    { method: "POST", path: "/api/links/create" },
    { method: "GET", path: "/api/links" },
    { method: "GET", path: `/api/links/${f.linkId}` },
    { method: "PATCH", path: `/api/links/${f.linkId}` },
    { method: "DELETE", path: "/api/links/999999" },
    { method: "GET", path: `/api/links/${f.linkId}/stats` },
    { method: "GET", path: `/api/links/${f.linkId}/qr` },
    { method: "POST", path: "/api/domains" },
    { method: "GET", path: "/api/domains" },
    { method: "DELETE", path: "/api/domains/999999" },
    { method: "POST", path: "/api/pixels" },
    { method: "GET", path: "/api/pixels" },
    { method: "DELETE", path: "/api/pixels/999999" },
    { method: "GET", path: "/api/me" },
    { method: "POST", path: "/api/me/token" },
    { method: "POST", path: "/api/me/password" },
    { method: "GET", path: "/api/users" },
    { method: "POST", path: "/api/users" },
    { method: "PATCH", path: `/api/users/${f.victim.id}` },
    { method: "GET", path: "/healthz" },
    { method: "GET", path: "/swagger" },
    { method: "GET", path: "/swagger/json" },
    { method: "GET", path: "/admin" },
    { method: "GET", path: "/admin/session" },
    { method: "POST", path: "/admin/login" },
    { method: "POST", path: "/admin/logout" },
    { method: "GET", path: "/fuzz-target" },
    { method: "HEAD", path: "/fuzz-target" },
    { method: "POST", path: "/fuzz-locked" },
    { method: "GET", path: "/fuzz-target/qr" },
  ];
}
