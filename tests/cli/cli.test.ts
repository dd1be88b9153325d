// The kurz command, run from source as a real process: exit codes, printed JSON and what lands in the database.
import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { createHash } from "node:crypto";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { configOptions } from "../../src/config";
import pkg from "../../package.json";

const root = resolve(import.meta.dir, "../..");
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp folder and the database path inside it (the file is not created). */
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), "kurz-cli-"));
  dirs.push(dir);
  return join(dir, "kurz.sqlite");
}

/** The environment of the test run, minus anything that would configure kurz, plus KURZ_DB. */
function envFor(db: string, extra: Record<string, string> = {}): Record<string, string> {
  const drop = new Set<string>([...Object.values(configOptions).map((o) => o.env), "KURZ_ADMIN_EMAIL", "KURZ_ADMIN_PASSWORD"]);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !drop.has(k)) env[k] = v;
  return { ...env, KURZ_DB: db, ...extra };
}

function kurz(db: string, ...args: string[]) {
  const result = Bun.spawnSync(["bun", "src/main.ts", ...args], { cwd: root, env: envFor(db), stdout: "pipe", stderr: "pipe" });
  return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

function json(stdout: string): Record<string, any> {
  return JSON.parse(stdout.trim().split("\n").at(-1)!);
}

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

function userRow(db: string, email: string): Record<string, unknown> {
  const sqlite = new Database(db, { readonly: true });
  try {
    const row = sqlite.query("select * from users where email = ?").get(email) as Record<string, unknown> | null;
    expect(row).not.toBeNull();
    return row!;
  } finally {
    sqlite.close();
  }
}

/** No Bun/Node stack trace: no "    at fn (file:line)" frames, no source excerpt. */
function expectNoStackTrace(stderr: string) {
  expect(stderr).not.toMatch(/^\s+at\s/m);
  expect(stderr).not.toMatch(/\.ts:\d+/);
  expect(stderr).not.toContain("Bun v");
}

describe("help and version", () => {
  test("--help prints the usage and exits 0", () => {
    const run = kurz(tempDb(), "--help");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage:");
    expect(run.stdout).toContain("user create");
  });

  test("every option is listed in --help with its variable and taken on the command line", () => {
    const help = kurz(tempDb(), "--help").stdout;
    // A valid value of each string option (booleans take none).
    const samples: Record<string, string> = {
      port: "0", host: "127.0.0.1", db: "", "base-url": "https://s.example", "slug-length": "7", "api-rate-limit": "10",
      "geoip-db": "", "redirect-status": "301", "disable-track-param": "notrack", "disable-tracking-from": "10.0.0.0/8",
      "root-redirect": "https://example.com/", "not-found-redirect": "https://example.com/404",
    };
    for (const option of Object.values(configOptions)) {
      expect(help).toMatch(new RegExp(`\\n  --${option.flag} +${option.env} `));
      if (option.flag === "db" || option.flag === "geoip-db") continue; // the database itself, and a file to read
      const args = option.type === "boolean" ? [`--${option.flag}`] : [`--${option.flag}`, samples[option.flag]!];
      const run = kurz(tempDb(), "migrate", ...args);
      expect([option.flag, run.code, run.stderr]).toEqual([option.flag, 0, ""]);
    }
  });

  test("--version prints the package version and exits 0", () => {
    const run = kurz(tempDb(), "--version");
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(pkg.version);
  });

  test("neither touches the database", () => {
    const db = tempDb();
    kurz(db, "--help");
    kurz(db, "--version");
    expect(existsSync(db)).toBe(false);
  });
});

describe("migrate", () => {
  test("creates the database file with its tables and exits 0", () => {
    const db = tempDb();
    const run = kurz(db, "migrate");
    expect(run.code).toBe(0);
    expect(existsSync(db)).toBe(true);
    const sqlite = new Database(db, { readonly: true });
    const tables = sqlite.query("select name from sqlite_master where type = 'table'").all() as { name: string }[];
    sqlite.close();
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(["users", "links"]));
  });

  test("running it twice is harmless", () => {
    const db = tempDb();
    expect(kurz(db, "migrate").code).toBe(0);
    expect(kurz(db, "migrate").code).toBe(0);
  });
});

describe("user create", () => {
  test("--api prints the new user with a 40-character token and the api.access permission", () => {
    const db = tempDb();
    const run = kurz(db, "user", "create", "--email", "ana@example.com", "--password", "correct horse", "--api");
    expect(run.code).toBe(0);
    const user = json(run.stdout);
    expect(user.id).toBeInteger();
    expect(user.email).toBe("ana@example.com");
    expect(user.api_token).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(user.permissions).toContain("api.access");
    expect(user.role).toBe("user");
  });

  test("without --api the user has no permissions", () => {
    const run = kurz(tempDb(), "user", "create", "--email", "bo@example.com", "--password", "correct horse");
    expect(run.code).toBe(0);
    expect(json(run.stdout).permissions).toEqual([]);
  });

  test("--admin makes an admin", () => {
    const run = kurz(tempDb(), "user", "create", "--email", "root@example.com", "--password", "correct horse", "--admin");
    expect(run.code).toBe(0);
    expect(json(run.stdout).role).toBe("admin");
  });

  test("the token is stored only as its sha256, the password only as an argon2id hash", async () => {
    const db = tempDb();
    const user = json(kurz(db, "user", "create", "--email", "cy@example.com", "--password", "correct horse", "--api").stdout);
    const row = userRow(db, "cy@example.com");
    expect(row.api_token_hash).toBe(sha256(user.api_token));
    expect(JSON.stringify(row)).not.toContain(user.api_token);
    expect(JSON.stringify(row)).not.toContain("correct horse");
    expect(String(row.password_hash)).toStartWith("$argon2id$");
    expect(await Bun.password.verify("correct horse", String(row.password_hash))).toBe(true);
  });

  test("the same email twice is refused with a clear message and no stack trace", () => {
    const db = tempDb();
    expect(kurz(db, "user", "create", "--email", "dup@example.com", "--password", "correct horse").code).toBe(0);
    const again = kurz(db, "user", "create", "--email", "DUP@example.com", "--password", "correct horse");
    expect(again.code).not.toBe(0);
    expect(again.stdout).toBe("");
    expect(again.stderr).toMatch(/already exists/i);
    expectNoStackTrace(again.stderr);
  });

  test("a password shorter than 8 characters is refused", () => {
    const db = tempDb();
    const run = kurz(db, "user", "create", "--email", "short@example.com", "--password", "1234567");
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/password/i);
    expectNoStackTrace(run.stderr);
    const sqlite = new Database(db, { readonly: true });
    const count = sqlite.query("select count(*) as n from users").get() as { n: number };
    sqlite.close();
    expect(count.n).toBe(0);
  });

  test("an invalid email is refused", () => {
    const run = kurz(tempDb(), "user", "create", "--email", "not-an-email", "--password", "correct horse");
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/email/i);
    expectNoStackTrace(run.stderr);
  });

  test("without --email it exits 2", () => {
    const run = kurz(tempDb(), "user", "create", "--password", "correct horse");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--email");
  });
});

describe("user token", () => {
  test("issues a new token; the database then holds only the new token's sha256", () => {
    const db = tempDb();
    const created = json(kurz(db, "user", "create", "--email", "dee@example.com", "--password", "correct horse", "--api").stdout);
    const run = kurz(db, "user", "token", "--email", "dee@example.com");
    expect(run.code).toBe(0);
    const issued = json(run.stdout);
    expect(issued.api_token).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(issued.api_token).not.toBe(created.api_token);

    const row = userRow(db, "dee@example.com");
    expect(row.api_token_hash).toBe(sha256(issued.api_token));
    expect(row.api_token_hash).not.toBe(sha256(created.api_token));
    expect(JSON.stringify(row)).not.toContain(issued.api_token);
  });

  test("an unknown email exits non-zero without a stack trace", () => {
    const db = tempDb();
    const run = kurz(db, "user", "token", "--email", "nobody@example.com");
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/no user/i);
    expectNoStackTrace(run.stderr);
  });

  test("without --email it exits 2", () => {
    const run = kurz(tempDb(), "user", "token");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--email");
  });
});

describe("bad arguments", () => {
  test("an unknown flag exits 2 and names it", () => {
    const run = kurz(tempDb(), "migrate", "--no-such-flag");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--no-such-flag");
    expectNoStackTrace(run.stderr);
  });

  test("an unknown command exits 2", () => {
    const run = kurz(tempDb(), "frobnicate");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("frobnicate");
  });

  test("a first admin from KURZ_ADMIN_PASSWORD that is too short: serve exits 2 with the reason, no stack trace", () => {
    const db = tempDb();
    const result = Bun.spawnSync(["bun", "src/main.ts", "serve", "--port", "0"], {
      cwd: root, env: envFor(db, { KURZ_ADMIN_EMAIL: "owner@example.com", KURZ_ADMIN_PASSWORD: "abc" }), stdout: "pipe", stderr: "pipe", timeout: 30_000,
    });
    const stderr = result.stderr.toString();
    expect(result.exitCode).toBe(2);
    expect(stderr).toContain("KURZ_ADMIN_PASSWORD: The password must be 8 to 255 characters.");
    expectNoStackTrace(stderr);
  });

  test("--port abc exits 2 and names --port", () => {
    const db = tempDb();
    const run = kurz(db, "migrate", "--port", "abc");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--port");
    expectNoStackTrace(run.stderr);
    expect(existsSync(db)).toBe(false);
  });
});

/** The promise's value, or `fallback` after `ms` milliseconds; the timer never outlives the race. */
async function within<T, F>(ms: number, promise: Promise<T>, fallback: F): Promise<T | F> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<F>((done) => (timer = setTimeout(() => done(fallback), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts `kurz serve` on a free port and waits for its "listening" line; `whileUp` gets the port, the
 * process and the stdout reader; then the server is stopped (SIGTERM, unless `whileUp` stopped it).
 * Answers stdout up to the "listening" line.
 */
async function serving(
  db: string,
  env: Record<string, string> = {},
  whileUp: (port: number, proc: Bun.Subprocess<"ignore", "pipe", "pipe">, reader: ReadableStreamDefaultReader<Uint8Array>) => Promise<void> = async () => {},
): Promise<string> {
  const proc = Bun.spawn(["bun", "src/main.ts", "serve", "--port", "0", "--host", "127.0.0.1"], {
    cwd: root,
    env: envFor(db, env),
    stdout: "pipe",
    stderr: "pipe",
  });
  let out = "";
  try {
    const reader = proc.stdout.getReader();
    const decoder = new TextDecoder();
    const deadline = Date.now() + 10_000;
    while (!out.includes(" listening on ")) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`kurz serve did not report listening within 10 s; stdout so far:\n${out}`);
      const chunk = await within(left, reader.read(), { done: false, value: undefined });
      if (chunk.done) throw new Error(`kurz serve exited before listening (code ${await proc.exited}):\n${out}\n${await new Response(proc.stderr).text()}`);
      if (chunk.value) out += decoder.decode(chunk.value, { stream: true });
    }
    await whileUp(Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)![1]), proc, reader);
  } finally {
    proc.kill("SIGTERM");
    const exited = await within(10_000, proc.exited, null);
    if (exited === null) proc.kill("SIGKILL");
  }
  return out;
}

describe("serve", () => {
  const startAndStop = (db: string, env: Record<string, string> = {}) => serving(db, env);

  const adminLines = (stdout: string) => stdout.split("\n").filter((line) => line.trim().startsWith("{"));

  test("the first start on an empty database prints the new admin's credentials once", async () => {
    const db = tempDb();
    const first = await startAndStop(db);
    const lines = adminLines(first);
    expect(lines).toHaveLength(1);
    const admin = JSON.parse(lines[0]!) as Record<string, string>;
    expect(Object.keys(admin).sort()).toEqual(["api_token", "email", "password"]);
    expect(admin.api_token).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(admin.password!.length).toBeGreaterThanOrEqual(12);

    // What was printed is what works: the stored hashes match the printed secrets.
    const row = userRow(db, admin.email!);
    expect(row.role).toBe("admin");
    expect(row.api_token_hash).toBe(sha256(admin.api_token!));
    expect(await Bun.password.verify(admin.password!, String(row.password_hash))).toBe(true);

    const second = await startAndStop(db);
    expect(adminLines(second)).toEqual([]);
    expect(second).not.toContain(admin.password!);
    expect(second).not.toContain(admin.api_token!);
  }, 30_000);

  test("with KURZ_ADMIN_EMAIL and KURZ_ADMIN_PASSWORD that admin is created and no password is printed", async () => {
    const db = tempDb();
    const out = await startAndStop(db, { KURZ_ADMIN_EMAIL: "Boss@Example.com", KURZ_ADMIN_PASSWORD: "a long given password" });
    expect(adminLines(out)).toEqual([]);
    expect(out).not.toContain("a long given password");
    const row = userRow(db, "boss@example.com");
    expect(row.role).toBe("admin");
    expect(await Bun.password.verify("a long given password", String(row.password_hash))).toBe(true);
  }, 30_000);

  test("with --port 0 the base URL names the port actually bound", async () => {
    const out = await startAndStop(tempDb(), { KURZ_ADMIN_EMAIL: "a@example.com", KURZ_ADMIN_PASSWORD: "long enough" });
    const match = /listening on http:\/\/127\.0\.0\.1:(\d+) \(base URL http:\/\/localhost:(\d+)/.exec(out);
    expect(match).not.toBeNull();
    expect(match![1]).not.toBe("0");
    expect(match![2]).toBe(match![1]!);
  }, 30_000);
});

describe("serve on a server: one line for what stops it, nothing lost", () => {
  const admin = { KURZ_ADMIN_EMAIL: "a@example.com", KURZ_ADMIN_PASSWORD: "long enough" };
  const serveOnce = (db: string, args: string[], env: Record<string, string> = {}) => {
    const result = Bun.spawnSync(["bun", "src/main.ts", "serve", "--host", "127.0.0.1", ...args], {
      cwd: root, env: envFor(db, env), stdout: "pipe", stderr: "pipe", timeout: 30_000,
    });
    return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
  };

  test("a second server on the same database exits 1 and says so; the first keeps serving", async () => {
    const db = tempDb();
    await serving(db, admin, async (port) => {
      const second = serveOnce(db, ["--port", "0"]);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`kurz: another kurz is already serving ${db}; stop it first`);
      expectNoStackTrace(second.stderr);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    });
    // Once the first has stopped, the lock is free.
    expect(await serving(db)).toContain(" listening on ");
  }, 60_000);

  test("a busy port exits 1 with one line, before the first admin is made: the next start still prints its password", async () => {
    const busy = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("taken") });
    const db = tempDb();
    try {
      const run = serveOnce(db, ["--port", String(busy.port)]);
      expect(run.code).toBe(1);
      expect(run.stderr.trim()).toStartWith(`kurz: cannot listen on 127.0.0.1:${busy.port}:`);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stdout).not.toContain("password");
    } finally {
      busy.stop(true);
    }
    const next = await serving(db);
    expect(next).toContain('"password":');
  }, 60_000);

  test("a database that cannot be opened exits 1 with one line naming it", () => {
    const dir = dirname(tempDb());
    const garbage = join(dir, "garbage.sqlite");
    writeFileSync(garbage, "this is not a database ".repeat(200));
    for (const db of [dir, garbage]) {
      const run = serveOnce(db, ["--port", "0"]);
      expect(run.code).toBe(1);
      expect(run.stderr.trim()).toStartWith(`kurz: cannot open the database ${db}:`);
      expectNoStackTrace(run.stderr);
    }
  }, 60_000);

  // Root writes whatever the modes say: the server runs as nobody for this one (where it can: as root, with setpriv).
  const canDropRoot = process.getuid?.() === 0 && existsSync("/usr/bin/setpriv");
  test.skipIf(!canDropRoot)("a database it cannot write (file and folder write-protected after a crash) exits 1 with one line, instead of serving read-only", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kurz-cli-readonly-"));
    dirs.push(dir);
    chownSync(dir, 65534, 65534);
    const db = join(dir, "kurz.sqlite");
    const asNobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "bun", "src/main.ts", "serve", "--host", "127.0.0.1", "--port", "0"];
    const first = Bun.spawn(asNobody, { cwd: root, env: envFor(db, admin), stdout: "pipe", stderr: "pipe" });
    const reader = first.stdout.getReader();
    let out = "";
    while (!out.includes(" listening on ")) {
      const chunk = await reader.read();
      if (chunk.done) throw new Error(`kurz serve exited before listening:\n${out}`);
      out += new TextDecoder().decode(chunk.value);
    }
    first.kill("SIGKILL"); // its write-ahead log stays beside the file: SQLite then opens a write-protected file read-only
    await first.exited;
    try {
      for (const name of readdirSync(dir)) chmodSync(join(dir, name), 0o444);
      chmodSync(dir, 0o555);
      const run = Bun.spawnSync(asNobody, { cwd: root, env: envFor(db), stdout: "pipe", stderr: "pipe", timeout: 30_000 });
      expect(run.exitCode).toBe(1);
      expect(run.stderr.toString().trim()).toBe(`kurz: cannot write the database ${db}: attempt to write a readonly database (check the owner and mode of the file and its folder)`);
    } finally {
      chmodSync(dir, 0o755);
    }
  }, 60_000);

  test("a new database and its folder are readable by their owner only", async () => {
    const db = join(dirname(tempDb()), "data", "kurz.sqlite");
    await serving(db, admin);
    expect(statSync(db).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(db)).mode & 0o777).toBe(0o700);
  }, 30_000);

  test("SIGHUP (the terminal of `kurz serve &` closed) stops cleanly, like SIGTERM", async () => {
    let exit: number | null | undefined;
    const out = await serving(tempDb(), admin, async (_port, proc, reader) => {
      proc.kill("SIGHUP");
      exit = await within(10_000, proc.exited, null);
      let rest = "";
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);
      expect(rest).toContain("kurz: stopped (");
    });
    expect(exit).toBe(0);
    expect(out).toContain(" listening on ");
  }, 30_000);

  test("a log reader that goes away (kurz serve | head) does not stop the server", async () => {
    await serving(tempDb(), admin, async (port, _proc, reader) => {
      await reader.cancel(); // stdout is now a broken pipe: every access log line fails to write
      for (let i = 0; i < 20; i++) expect((await fetch(`http://127.0.0.1:${port}/api/links`)).status).toBe(401);
      await Bun.sleep(200);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    });
  }, 30_000);

  test("kurz backup copies the database while it serves, with what is still in the WAL, readable by its owner only", async () => {
    const db = tempDb();
    const target = join(dirname(db), "backup.sqlite");
    await serving(db, admin, async (port) => {
      const user = json(kurz(db, "user", "create", "--email", "b@example.com", "--password", "long enough", "--api").stdout);
      const created = await fetch(`http://127.0.0.1:${port}/api/links/create`, {
        method: "POST", headers: { authorization: `Bearer ${user.api_token}` }, body: JSON.stringify({ long_url: "https://example.com/", alias: "kept" }),
      });
      expect(created.status).toBe(200);
      const run = kurz(db, "backup", target);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`backed up to ${target}`);
    });
    const copy = new Database(target, { readonly: true });
    try {
      expect(copy.query("pragma integrity_check").get()).toEqual({ integrity_check: "ok" });
      expect(copy.query("select slug from links").all()).toEqual([{ slug: "kept" }]);
    } finally {
      copy.close();
    }
    expect(statSync(target).mode & 0o777).toBe(0o600);
    const again = kurz(db, "backup", target);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("exists already");
    // A link, even to nothing, is not written through.
    const link = join(dirname(db), "dangling.sqlite");
    symlinkSync(join(dirname(db), "elsewhere.sqlite"), link);
    expect(kurz(db, "backup", link).code).toBe(1);
    expect(existsSync(join(dirname(db), "elsewhere.sqlite"))).toBe(false);
  }, 60_000);

  test("kurz health exits 0 while a server answers on the port, 1 when none does", async () => {
    const db = tempDb();
    let port = 0;
    await serving(db, admin, async (p) => {
      port = p;
      const run = Bun.spawnSync(["bun", "src/main.ts", "health", "--port", String(p), "--host", "127.0.0.1"], { cwd: root, env: envFor(db), stdout: "pipe", stderr: "pipe" });
      expect(run.exitCode).toBe(0);
      expect(run.stdout.toString()).toContain("/healthz ok");
    });
    const down = Bun.spawnSync(["bun", "src/main.ts", "health", "--port", String(port)], { cwd: root, env: envFor(db), stdout: "pipe", stderr: "pipe" });
    expect(down.exitCode).toBe(1);
    expectNoStackTrace(down.stderr.toString());
  }, 30_000);

  test("words after the command are refused, not ignored", () => {
    const run = kurz(tempDb(), "serve", "extra");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unexpected "extra" after "serve"');
  });
});
