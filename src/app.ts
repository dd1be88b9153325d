// createApp: the whole HTTP application from its feature plugins, used by `kurz serve` and by the tests.
import { Elysia, t } from "elysia";
import { createSessionStore, type SessionStore } from "./auth/sessions";
import { createClickRecorder, type ClickRecorder } from "./clicks/recorder";
import { statsRoutes } from "./clicks/routes";
import { createClickStore, type ClickStore } from "./clicks/store";
import type { Config } from "./config";
import type { Db } from "./db/open";
import { docs } from "./docs/plugin";
import { domainRoutes } from "./domains/routes";
import { createDomainStore, type DomainStore } from "./domains/store";
import { apiCors } from "./http/cors";
import { apiHooks, httpBasics } from "./http/plugin";
import { createRateLimiter, type RateLimiter } from "./http/rate-limit";
import { linkRoutes } from "./links/routes";
import { hashGenerator, isReservedSlug } from "./links/slug";
import { createLinkStore, type LinkStore } from "./links/store";
import { adminRoutes } from "./admin/routes";
import { qrRoutes } from "./qr/routes";
import { userRoutes } from "./users/routes";
import { createMetadataFetcher, type MetadataFetcher } from "./metadata/fetcher";
import { pixelRoutes } from "./pixels/routes";
import { createPixelStore, type PixelStore } from "./pixels/store";
import { createRedirectCache, type RedirectCache } from "./redirect/cache";
import { fastRedirects, redirectRoutes } from "./redirect/routes";
import { createUnlocks, type Unlocks } from "./redirect/unlock";
import { createGeo, geoSource, type Geo } from "./redirect/geo";
import { createSettingsStore, randomSecret } from "./settings/store";
import { createUserStore, type UserStore } from "./users/store";
import { version } from "./version";
import type { Reader } from "./db/reader";
import { databaseFile, databaseFileProblem, writeGuard, type DatabaseFile } from "./db/health";

export interface AppDeps {
  config: Config;
  db: Db;
  now: () => Date;
  users: UserStore;
  sessions: SessionStore;
  links: LinkStore;
  domains: DomainStore;
  pixels: PixelStore;
  clickStore: ClickStore;
  clicks: ClickRecorder;
  redirectCache: RedirectCache;
  /** The redirect's own connection to a database file (kurz serve); without one it reads on `db`. */
  reader?: Reader;
  unlocks: Unlocks;
  passwordLimiter: RateLimiter;
  loginLimiter: RateLimiter;
  /** Per-user API requests a minute (KURZ_API_RATE_LIMIT); null when off. */
  apiLimiter: RateLimiter | null;
  accessLog: ((line: string) => void) | null;
  geo: Geo;
  metadata: MetadataFetcher;
  makeHash: () => string;
  forgetLinks: () => void;
  log: (message: string, error?: unknown) => void;
  /** The database file as opened (null: in memory), which /healthz checks is still there and writable. */
  dbFile: DatabaseFile | null;
  /** False while `kurz serve` still starts (it listens before it makes the first admin): /healthz answers 503. */
  started: () => boolean;
}

const defaultLog = (message: string, error?: unknown) =>
  console.error(`[kurz] ${message}`, error instanceof Error ? error.message : error ?? "");

export function createDeps(config: Config, db: Db, overrides: Partial<AppDeps> = {}): AppDeps {
  const random = hashGenerator(config.slugLength);
  const log = overrides.log ?? defaultLog;
  const geo = overrides.geo ?? createGeo(geoSource(config.geoipDb, config.db), log);
  const clickStore = overrides.clickStore ?? createClickStore(db);
  const settings = createSettingsStore(db);
  let unlockKey: Promise<string> | undefined;
  const reader = overrides.reader;
  const redirectCache = overrides.redirectCache ?? createRedirectCache({ onChange: reader?.refresh });
  return {
    config,
    db,
    now: () => new Date(),
    users: createUserStore(db),
    sessions: createSessionStore(db),
    links: createLinkStore(db, reader),
    domains: createDomainStore(db),
    pixels: createPixelStore(db),
    clickStore,
    clicks: overrides.clicks ?? createClickRecorder({ store: clickStore, geo, log }),
    redirectCache,
    unlocks: createUnlocks(() => (unlockKey ??= settings.getOrCreate("unlock_cookie_key", randomSecret))),
    passwordLimiter: createRateLimiter({ limit: 10, windowMs: 60_000 }),
    loginLimiter: createRateLimiter({ limit: 10, windowMs: 60_000 }),
    apiLimiter: config.apiRateLimit > 0 ? createRateLimiter({ limit: config.apiRateLimit, windowMs: 60_000 }) : null,
    accessLog: (line) => void process.stdout.write(`${line}\n`),
    geo,
    metadata: createMetadataFetcher({ allowPrivate: config.fetchAllowPrivate }),
    makeHash: () => {
      let hash = random();
      while (isReservedSlug(hash)) hash = random();
      return hash;
    },
    forgetLinks: () => redirectCache.forgetLinks(),
    log,
    dbFile: databaseFile(db.$client.filename),
    started: () => true,
    ...overrides,
  };
}

export function createApp(deps: AppDeps) {
  // "typebox" normalization strips unknown fields without coercing a string or an object into an array.
  // standardHostname off: Elysia would look for the path from the 12th character on, and an intranet
  // host of three letters or fewer (http://go/abc) would answer 404 to everything. (kurz serves plain
  // HTTP, TLS being the proxy's, so URLs start with http:// and the path is found from the 8th.)
  // A database file deleted or replaced while serving takes no more writes: they would be lost at the stop.
  const guardWrites = writeGuard(deps.dbFile);
  const app = new Elysia({ normalize: "typebox", handler: { standardHostname: false } })
    .onRequest(() => {
      deps.clicks.served(); // API and admin requests are load too: folding clicks waits for quiet
    })
    .use(httpBasics(deps.log))
    .onBeforeHandle({ as: "global" }, ({ request }) => {
      if (request.method !== "GET" && request.method !== "HEAD") guardWrites();
    })
    .use(apiCors())
    .get("/healthz", ({ set }) => {
      if (!deps.started()) {
        set.status = 503;
        return { status: "starting" as const };
      }
      let reason: string | null;
      try {
        deps.db.$client.query("select 1").get();
        reason = (deps.dbFile && databaseFileProblem(deps.dbFile)) || (deps.clicks.failing() ? "clicks cannot be written" : null);
      } catch {
        reason = "the database does not answer";
      }
      if (reason === null) return { status: "ok" as const };
      set.status = 503;
      return { status: "error" as const, reason };
    }, {
      response: {
        200: t.Object({ status: t.Literal("ok") }),
        503: t.Object({
          status: t.Union([t.Literal("error"), t.Literal("starting")]),
          reason: t.Optional(t.String({ examples: ["the disk is full"] })),
        }),
      },
      detail: {
        tags: ["System"], summary: "Health check",
        description: "Answers ok once the server has started, while the database answers and can be written: its file still there, writable, with room on the disk, and clicks being written.",
      },
    })
    .use(docs(version))
    .use(new Elysia({ name: "api" })
      .use(apiHooks(deps.accessLog))
      .use(linkRoutes(deps))
      .use(statsRoutes(deps))
      .use(domainRoutes(deps))
      .use(pixelRoutes(deps))
      .use(userRoutes(deps))
      .use(adminRoutes(deps))
      .use(qrRoutes(deps)))
    .use(redirectRoutes(deps));
  return app;
}

export type App = ReturnType<typeof createApp>;

/**
 * Serves the app over HTTP, as `kurz serve` does. Every request meets the redirect fast path first
 * (fastRedirects: a cached link answered without the app's routing and hooks), and what it leaves goes
 * to the app. One fetch handler, not Bun's router: a "/:slug" route costs Bun a params object a
 * request, ~5% of a redirect's time, and the app routes the rest itself.
 */
export function serveApp(app: App, deps: AppDeps, options: { port: number; hostname: string; maxRequestBodySize?: number }) {
  const fast = fastRedirects(deps);
  const appFetch = app.fetch;
  app.server = Bun.serve({
    ...options,
    // reusePort off: a second kurz on the same port must fail, not silently share the traffic.
    // development off: Bun's development error page would show clients source paths and lines.
    reusePort: false,
    development: false,
    idleTimeout: 30,
    fetch: (request, server) => fast(request, server) ?? appFetch(request),
  });
  return app.server;
}
