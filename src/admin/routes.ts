// The admin page (/admin, one static page embedded in the binary) and its session endpoints.
import { Elysia, t } from "elysia";
import { csrfTokenMatches } from "../auth/plugin";
import { clearedSessionCookie, cookiesSecure, readCookie, SESSION_COOKIE, sessionCookie, type SessionStore } from "../auth/sessions";
import { ApiError } from "../http/errors";
import { throwIfUnreadable } from "../http/plugin";
import { securityHeaders } from "../http/html";
import { createRateLimiter, type RateLimiter } from "../http/rate-limit";
import { requestClientIp } from "../redirect/visitor";
import { checkLogin, type UserDeps } from "../users/service";
import { presentUser } from "../users/routes";
import appCss from "./page/app.css" with { type: "file" };
import appJs from "./page/app.js" with { type: "file" };
import indexPage from "./page/index.html" with { type: "text" };

// bun-types types every .html import as an HTML bundle; with type "text" it is the page itself.
const indexHtml = indexPage as unknown as string;

export interface AdminDeps extends UserDeps {
  sessions: SessionStore;
  loginLimiter: RateLimiter;
  config: { trustProxy: boolean; baseUrl: string };
}

const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const page = () => new Response(indexHtml, {
  headers: { "content-type": "text/html; charset=utf-8", "content-security-policy": csp, "cache-control": "no-store", ...securityHeaders },
});
const asset = (path: string, type: string) => () =>
  new Response(Bun.file(path), { headers: { "content-type": type, "cache-control": "no-cache", "x-content-type-options": "nosniff" } });

const isJson = (request: Request) => /^application\/json\s*(;|$)/i.test(request.headers.get("content-type") ?? "");

const hidden = { detail: { hide: true } };

export function adminRoutes(deps: AdminDeps) {
  const secure = (request: Request) => cookiesSecure(request, deps.config);
  const sessionOf = async (request: Request) => {
    const id = readCookie(request.headers.get("cookie"), SESSION_COOKIE);
    return id ? { id, row: await deps.sessions.find(id, deps.now()) } : null;
  };

  const loginsPerClient = createRateLimiter({ limit: 30, windowMs: 60_000 });
  return new Elysia({ prefix: "/admin" })
    // Bodies are read as the API reads them (JSON, at most 1 MB; see http/plugin.ts).
    .onTransform(({ body }) => throwIfUnreadable(body))
    .get("/", page, hidden)
    .get("", page, hidden)
    .get("/assets/app.js", asset(appJs, "text/javascript; charset=utf-8"), hidden)
    .get("/assets/app.css", asset(appCss, "text/css; charset=utf-8"), hidden)
    .post("/login", async ({ body, request, server, set }) => {
      // Only the admin page's fetch can send JSON from this origin: another site's form cannot log a
      // visitor in to an account of its choosing (login CSRF).
      if (!isJson(request)) throw new ApiError(415, { body: ["Send the login as JSON (Content-Type: application/json)."] });
      const ip = requestClientIp(request, server, deps.config.trustProxy);
      const key = `${ip ?? "?"}|${body.email.trim().toLowerCase()}`;
      // Per client and email (10 a minute), and per client whatever the email (30): each try costs an
      // argon2 hash, and new emails must not make it free.
      const perClient = loginsPerClient.hit(ip ?? "?");
      const limit = perClient.allowed ? deps.loginLimiter.hit(key) : perClient;
      if (!limit.allowed) {
        throw new ApiError(429, { email: ["Too many attempts; wait a minute."] }, { "retry-after": String(limit.retryAfterSeconds) });
      }
      const user = await checkLogin(deps, body.email, body.password);
      deps.loginLimiter.reset(key);
      const session = await deps.sessions.create(user.id, deps.now());
      set.headers["set-cookie"] = sessionCookie(session.id, secure(request));
      set.headers["cache-control"] = "no-store";
      return { status: "success" as const, user: presentUser(user), csrf_token: session.row.csrfToken, base_url: deps.config.baseUrl };
    }, {
      body: t.Object({
        email: t.String({ maxLength: 254, error: "The email is required." }),
        password: t.String({ maxLength: 255, error: "The password is required." }),
      }),
      detail: { hide: true },
    })
    .post("/logout", async ({ request, set }) => {
      const session = await sessionOf(request);
      if (session?.row) {
        if (!csrfTokenMatches(request, session.row.csrfToken)) throw new ApiError(403, { csrf: ["Missing or wrong X-CSRF-Token."] });
        await deps.sessions.remove(session.id);
      }
      set.headers["set-cookie"] = clearedSessionCookie(secure(request));
      return { status: "success" as const };
    }, hidden)
    .get("/session", async ({ request, set }) => {
      const session = await sessionOf(request);
      const user = session?.row ? await deps.users.byId(session.row.userId) : undefined;
      if (!session?.row || !user || user.disabled) throw new ApiError(401, { session: ["Not logged in."] });
      set.headers["cache-control"] = "no-store";
      return { status: "success" as const, user: presentUser(user), csrf_token: session.row.csrfToken, base_url: deps.config.baseUrl };
    }, hidden);
}
