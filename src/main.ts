// The kurz command: serve | migrate | user create | user token | backup.
import { Database } from "bun:sqlite";
import { chmodSync, existsSync, lstatSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { createApp, createDeps, serveApp } from "./app";
import { ConfigError, configOptions, loadConfig, type Config } from "./config";
import { migrate } from "./db/migrate";
import { databaseFileProblem, isFileGone } from "./db/health";
import { lockDatabase } from "./db/lock";
import { openDatabase } from "./db/open";
import { openReader } from "./db/reader";
import { restartWithServerHeap } from "./heap";
import { ApiError } from "./http/errors";
import { createGeo, geoSource, openGeo, type Geo } from "./redirect/geo";
import { bootstrapAdmin, createUser, issueToken } from "./users/service";
import { createUserStore } from "./users/store";
import { version } from "./version";

const help = `kurz ${version} — a self-hosted URL shortener in one file

Usage:
  kurz [serve]                 serve HTTP (applies pending migrations first)
  kurz migrate                 apply migrations and exit
  kurz user create --email E --password P [--admin] [--api]
                               create a user (--api grants api.access); prints JSON
  kurz user token --email E    issue a new API token (the old one stops working); prints JSON
  kurz backup FILE             copy the database to FILE, consistent even while it serves
  kurz health                  exit 0 if the server on --port answers /healthz ok (for HEALTHCHECK)
  kurz --help | --version

Options (flag, environment variable, default):
  --port                  PORT                        8080
  --host                  HOST                        0.0.0.0
  --db                    KURZ_DB                     ./data/kurz.sqlite
  --base-url              KURZ_BASE_URL               http://localhost:<port>
  --trust-proxy           KURZ_TRUST_PROXY            off (client IP/country from proxy/CDN headers)
  --fetch-allow-private   KURZ_FETCH_ALLOW_PRIVATE    off (fetch page titles from private addresses)
  --slug-length           KURZ_SLUG_LENGTH            6
  --api-rate-limit        KURZ_API_RATE_LIMIT         6000 API requests a minute per token, 0 = off
  --geoip-db              KURZ_GEOIP_DB               the embedded DB-IP country database
  --redirect-status       KURZ_REDIRECT_STATUS        302 (or 301, 307, 308) for short links
  --append-extra-path     KURZ_APPEND_EXTRA_PATH      off (/SLUG/more/path leads to the destination + /more/path)
  --disable-track-param   KURZ_DISABLE_TRACK_PARAM    none (visits with ?NAME are not counted)
  --disable-tracking-from KURZ_DISABLE_TRACKING_FROM  none (visits from these addresses/CIDRs are not counted)
  --root-redirect         KURZ_ROOT_REDIRECT          none (where a visit to / goes; else as not found)
  --not-found-redirect    KURZ_NOT_FOUND_REDIRECT     none (where paths that name no link go; else a 404 page)

First start on an empty database creates an admin: KURZ_ADMIN_EMAIL and KURZ_ADMIN_PASSWORD
when set, otherwise a random password that is printed once.
IP geolocation by DB-IP (https://db-ip.com), CC BY 4.0.
`;

function parse(argv: string[]) {
  const options = Object.fromEntries(Object.values(configOptions).map((o) => [o.flag, { type: o.type }])) as Record<
    string,
    { type: "string" | "boolean" }
  >;
  return parseArgs({
    args: argv,
    allowPositionals: true,
    allowNegative: true, // --no-trust-proxy turns off what the environment turned on
    strict: true,
    options: {
      ...options,
      email: { type: "string" },
      password: { type: "string" },
      admin: { type: "boolean" },
      api: { type: "boolean" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "v" },
    },
  });
}

function fail(message: string, code = 1): never {
  console.error(`kurz: ${message}`);
  process.exit(code);
}

/** The database, migrated; a file that cannot be opened ends the command with one line saying why. */
function openMigrated(config: Config) {
  try {
    const db = openDatabase(config.db);
    migrate(db);
    return db;
  } catch (error) {
    fail(`cannot open the database ${config.db}: ${(error as Error).message}`);
  }
}

/** host:port as a URL writes it (an IPv6 address in brackets). */
const hostPort = (host: string, port: number | string) => `${host.includes(":") ? `[${host}]` : host}:${port}`;

async function serve(config: Config): Promise<void> {
  // Before the restart: copying the embedded country database out reads 8 MB of the binary, which the
  // restarted process then never holds (geo.ts).
  const geoFile = geoSource(config.geoipDb, config.db);
  restartWithServerHeap();
  const started = performance.now();
  // A country database the user names must be readable; the reader that checked it serves the lookups.
  let geo: Geo | undefined;
  if (config.geoipDb) {
    try {
      geo = createGeo(geoFile, undefined, openGeo(geoFile));
    } catch (error) {
      fail(`--geoip-db: ${(error as Error).message}`, 2);
    }
  }
  const db = openMigrated(config);
  // One server per database file: another one's cached links would go stale (see db/lock.ts).
  if (!lockDatabase(config.db)) fail(`another kurz is already serving ${config.db}; stop it first`);
  // A database it cannot write would be served read-only, each create and every click failing: refuse.
  // (SQLite opens a write-protected file read-only without a word, and a transaction alone writes nothing:
  // the probe rewrites the header's user_version as it is, then takes it back.)
  try {
    const { user_version } = db.$client.query<{ user_version: number }, []>("PRAGMA user_version").get()!;
    db.$client.transaction(() => {
      db.$client.exec(`PRAGMA user_version = ${user_version}`);
      throw new Probed();
    }).immediate();
  } catch (error) {
    if (!(error instanceof Probed)) fail(`cannot write the database ${config.db}: ${(error as Error).message} (check the owner and mode of the file and its folder)`);
  }
  // An in-memory database is the main connection's alone: its redirects read there.
  const reader = config.db === ":memory:" ? undefined : openReader(config.db);
  let ready = false;
  const deps = createDeps(config, db, { ...(reader ? { reader } : {}), ...(geo ? { geo } : {}), started: () => ready });
  const derivedBaseUrl = config.baseUrl === `http://localhost:${config.port}`;
  // Listening comes before the first admin is made: its password, printed once, must not be lost to a busy port.
  let server: ReturnType<typeof serveApp>;
  try {
    server = serveApp(createApp(deps), deps, { port: config.port, hostname: config.host, maxRequestBodySize: 16 * 1024 * 1024 });
  } catch (error) {
    fail(`cannot listen on ${hostPort(config.host, config.port)}: ${(error as Error).message}`);
  }

  // What /healthz reports of the database file, said once where operators look when it changes: a
  // deleted file goes on answering from what is open, and what is written to it is lost at the stop.
  let fileProblem: string | null = null;
  const watch = setInterval(() => {
    const problem = deps.dbFile && databaseFileProblem(deps.dbFile);
    if (problem === fileProblem) return;
    fileProblem = problem;
    if (isFileGone(problem)) {
      console.error(`kurz: ${problem} (${config.db}); what is written from now on is lost when kurz stops: put the file back from a backup and restart`);
    } else if (problem) {
      console.error(`kurz: ${problem} (${config.db}); links and clicks cannot be stored until it is fixed`);
    } else {
      console.error(`kurz: the database file ${config.db} is fine again`);
    }
  }, 10_000);
  watch.unref();

  // A log reader that goes away (kurz serve | head) must not stop the server: its lines are dropped.
  process.stdout.on("error", () => {});
  process.stderr.on("error", () => {});
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(130); // a second signal: leave at once
    stopping = true;
    console.log(`kurz: ${signal}, finishing requests in flight`);
    await server.stop(false);
    const written = await deps.clicks.close();
    reader?.close();
    db.$client.close();
    console.log(`kurz: stopped (${written} buffered clicks written)`);
    process.exit(0);
  };
  // SIGHUP too (the terminal of `kurz serve &` closed): stop as cleanly, with the clicks written.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stop(signal));

  // The build starts the binary with the JIT 8× more reluctant (--compile-jit-policy=8): start-up code
  // runs once and is not worth compiling. Serving requests is, so the normal policy from here on.
  Bun.unsafe.setJITPolicy(1);
  // With --port 0 the port is known only now; short URLs must name the real one.
  if (derivedBaseUrl) config.baseUrl = `http://localhost:${server.port}`;
  const admin = await bootstrapAdmin(deps, { email: config.adminEmail, password: config.adminPassword }).catch((error: unknown) => {
    if (error instanceof ApiError) fail(`KURZ_ADMIN_EMAIL / KURZ_ADMIN_PASSWORD: ${Object.values(error.messages).flat().join(" ")}`, 2);
    throw error;
  });
  if (admin?.password) {
    console.log("Created the first admin. Save these now, they are not shown again:");
    console.log(JSON.stringify({ email: admin.email, password: admin.password, api_token: admin.apiToken }));
  } else if (admin) {
    console.log(`Created the first admin ${admin.email}; issue an API token with: kurz user token --email ${admin.email}`);
  }
  ready = true;
  console.log(`kurz ${version} listening on http://${hostPort(config.host, server.port!)} (base URL ${config.baseUrl}, database ${config.db}, ready in ${Math.round(performance.now() - started)} ms)`);
}

/** Thrown to roll the write probe back (see serve). */
class Probed extends Error {}

async function userCommand(sub: string | undefined, values: Record<string, string | boolean | undefined>, config: Config) {
  if (sub !== "create" && sub !== "token") fail(`"kurz user" needs "create" or "token"; see kurz --help`, 2);
  const email = typeof values.email === "string" ? values.email : fail("--email is required", 2);
  if (sub === "create" && typeof values.password !== "string") fail("--password is required", 2);
  const db = openMigrated(config);
  const deps = { users: createUserStore(db), now: () => new Date() };
  try {
    if (sub === "create") {
      const { user, apiToken } = await createUser(deps, { email, password: String(values.password), admin: values.admin === true, api: values.api === true });
      console.log(JSON.stringify({ id: user.id, email: user.email, role: user.role, permissions: user.permissions, api_token: apiToken }));
    } else {
      const { user, apiToken } = await issueToken(deps, email);
      console.log(JSON.stringify({ id: user.id, email: user.email, api_token: apiToken }));
    }
  } catch (error) {
    if (error instanceof ApiError) fail(Object.values(error.messages).flat().join(" "));
    throw error;
  } finally {
    db.$client.close();
  }
}

/** A consistent copy of the database (VACUUM INTO: one read transaction, so a serving kurz may keep writing). */
function backup(config: Config, target: string | undefined): void {
  if (!target) fail("kurz backup needs the file to write, e.g. kurz backup kurz-2026-11-27.sqlite", 2);
  if (config.db === ":memory:") fail("an in-memory database cannot be backed up", 2);
  if (!existsSync(config.db)) fail(`there is no database at ${config.db}`);
  // lstat, not exists: a link (even one to nothing) would be written through.
  if (lstatSync(target, { throwIfNoEntry: false })) fail(`${target} exists already; name a new file`);
  // Read-only: a backup changes nothing, not even by migrating an older database.
  let db: Database | undefined;
  try {
    db = new Database(config.db, { readonly: true });
    // It holds what the database holds: the owner's alone from its first byte, not once it is written.
    const umask = process.umask(0o077);
    try {
      db.query("VACUUM INTO ?").run(target);
    } finally {
      process.umask(umask);
    }
    chmodSync(target, 0o600);
  } catch (error) {
    fail(`cannot back up ${config.db} to ${target}: ${(error as Error).message}`);
  } finally {
    db?.close();
  }
  console.log(`kurz: ${config.db} backed up to ${target} (${statSync(target).size.toLocaleString("en")} bytes)`);
}

/** Asks the local server's /healthz (on --port, over loopback): exit 0 when it answers ok, 1 otherwise. */
async function health(config: Config): Promise<void> {
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  const url = `http://${hostPort(host, config.port)}/healthz`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    const body = (await response.json()) as { status?: string };
    if (response.ok && body.status === "ok") return void console.log(`kurz: ${url} ok`);
    fail(`${url} answered ${response.status} ${body.status ?? ""}`.trim());
  } catch (error) {
    fail(`${url}: ${(error as Error).message}`);
  }
}

async function main(argv: string[]): Promise<void> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    fail(`${(error as Error).message}\n${help}`, 2);
  }
  const { values, positionals } = parsed;
  if (values.help) return void console.log(help);
  if (values.version) return void console.log(version);
  let config: Config;
  try {
    config = loadConfig(values);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message, 2);
    throw error;
  }
  const [command = "serve", sub] = positionals;
  const extra = positionals.slice(command === "user" || command === "backup" ? 2 : 1);
  if (extra.length) fail(`unexpected "${extra.join(" ")}" after "${positionals.slice(0, positionals.length - extra.length).join(" ")}"; see kurz --help`, 2);
  switch (command) {
    case "serve":
      return serve(config);
    case "migrate":
      openMigrated(config).$client.close();
      console.log("kurz: migrations applied");
      return;
    case "user":
      return userCommand(sub, values, config);
    case "backup":
      return backup(config, sub);
    case "health":
      return health(config);
    default:
      fail(`unknown command "${command}"; see kurz --help`, 2);
  }
}

await main(Bun.argv.slice(2));
