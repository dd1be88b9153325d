// createApp: the whole HTTP application from its feature plugins, used by `kurz serve` and by the tests.
import { Elysia, t } from "elysia";
import type { Config } from "./config";
import type { Db } from "./db/open";
import { docs } from "./docs/plugin";
import { createDomainStore, type DomainStore } from "./domains/store";
import { httpBasics } from "./http/plugin";
import { hashGenerator, isReservedSlug } from "./links/slug";
import { linkRoutes } from "./links/routes";
import { createLinkStore, type LinkStore } from "./links/store";
import { createPixelStore, type PixelStore } from "./pixels/store";
import { redirectRoutes } from "./redirect/routes";
import { createGeo, type Geo } from "./redirect/visitor";
import { createUserStore, type UserStore } from "./users/store";
import { version } from "./version";

export interface AppDeps {
  config: Config;
  db: Db;
  now: () => Date;
  users: UserStore;
  links: LinkStore;
  domains: DomainStore;
  pixels: PixelStore;
  geo: Geo;
  makeHash: () => string;
  log: (message: string, error?: unknown) => void;
}

export function createDeps(config: Config, db: Db, overrides: Partial<AppDeps> = {}): AppDeps {
  const random = hashGenerator(config.slugLength);
  return {
    config,
    db,
    now: () => new Date(),
    users: createUserStore(db),
    links: createLinkStore(db),
    domains: createDomainStore(db),
    pixels: createPixelStore(db),
    geo: createGeo(config.geoipDb),
    makeHash: () => {
      let hash = random();
      while (isReservedSlug(hash)) hash = random();
      return hash;
    },
    log: (message, error) => console.error(`[kurz] ${message}`, error instanceof Error ? error.message : error ?? ""),
    ...overrides,
  };
}

export function createApp(deps: AppDeps) {
  // "typebox" normalization strips unknown fields without coercing a string or an object into an array.
  return new Elysia({ normalize: "typebox" })
    .use(httpBasics(deps.log))
    .get("/healthz", ({ set }) => {
      try {
        deps.db.$client.query("select 1").get();
        return { status: "ok" as const };
      } catch {
        set.status = 503;
        return { status: "error" as const };
      }
    }, {
      response: { 200: t.Object({ status: t.Literal("ok") }), 503: t.Object({ status: t.Literal("error") }) },
      detail: { tags: ["System"], summary: "Health check", description: "Answers ok when the database answers." },
    })
    .use(docs(version))
    .use(linkRoutes(deps))
    .use(redirectRoutes({ ...deps, trustProxy: deps.config.trustProxy }));
}

export type App = ReturnType<typeof createApp>;
