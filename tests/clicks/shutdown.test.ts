// Graceful stop: requests in flight finish, buffered clicks are written, a second signal leaves at once.
import { afterAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { freePort, repo, tempDir, waitHealthy } from "../support/process";

const dir = tempDir("shutdown");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(port: number, db: string, extra: string[] = []) {
  const proc = Bun.spawn(["bun", "src/main.ts", "serve", "--port", String(port), "--host", "127.0.0.1", "--db", db, ...extra], {
    cwd: repo,
    env: { ...process.env, KURZ_ADMIN_EMAIL: "admin@example.com", KURZ_ADMIN_PASSWORD: "admin-password", PORT: "", KURZ_DB: "" },
    stdout: "pipe",
    stderr: "pipe",
  });
  await waitHealthy(`http://127.0.0.1:${port}`);
  return proc;
}

const tokenFor = (db: string) =>
  JSON.parse(Bun.spawnSync(["bun", "src/main.ts", "user", "token", "--email", "admin@example.com", "--db", db], { cwd: repo }).stdout.toString()).api_token as string;

test("SIGTERM flushes every buffered click: 1,000 concurrent visits are 1,000 clicks after a restart", async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const db = join(dir, "clicks.sqlite");
  let server = await start(port, db);
  const token = tokenFor(db);
  const created = await fetch(`${base}/api/links/create`, {
    method: "POST", headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ long_url: "https://example.com/", alias: "load" }),
  }).then((r) => r.json() as Promise<any>);
  expect(created.status).toBe("success");

  const statuses = await Promise.all(Array.from({ length: 1000 }, () =>
    fetch(`${base}/load`, { redirect: "manual", headers: { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0" } }).then((r) => r.status)));
  expect(statuses.filter((s) => s === 302)).toHaveLength(1000);

  server.kill("SIGTERM");
  expect(await server.exited).toBe(0);
  expect(await new Response(server.stdout).text()).toContain("buffered clicks written");

  server = await start(port, db);
  try {
    const stats = await fetch(`${base}/api/links/${created.link.id}/stats`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json() as Promise<any>);
    expect(stats.stats.total).toBe(1000);
    expect(stats.stats.bots).toBe(0);
  } finally {
    server.kill("SIGTERM");
    await server.exited;
  }
}, 60_000);

test("SIGTERM lets a request in flight finish, and a second signal exits at once", async () => {
  // A destination page that answers slowly keeps a create in flight (its title is being fetched).
  const slow = Bun.serve({
    hostname: "127.0.0.1", port: 0,
    fetch: async () => {
      await Bun.sleep(800);
      return new Response("<title>Slow</title>", { headers: { "content-type": "text/html" } });
    },
  });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const db = join(dir, "inflight.sqlite");
  let server = await start(port, db, ["--fetch-allow-private"]);
  const token = tokenFor(db);
  try {
    const inFlight = fetch(`${base}/api/links/create`, {
      method: "POST", headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ long_url: `http://127.0.0.1:${slow.port}/page` }),
    });
    await Bun.sleep(200);
    server.kill("SIGTERM");
    const answered = await inFlight;
    expect(answered.status).toBe(200);
    expect(((await answered.json()) as any).link.title).toBe("Slow");
    expect(await server.exited).toBe(0);

    server = await start(port, db, ["--fetch-allow-private"]);
    const stuck = fetch(`${base}/api/links/create`, {
      method: "POST", headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ long_url: `http://127.0.0.1:${slow.port}/again` }),
    }).catch(() => null);
    await Bun.sleep(200);
    const t0 = performance.now();
    server.kill("SIGTERM");
    await Bun.sleep(20);
    server.kill("SIGTERM");
    const code = await server.exited;
    expect(performance.now() - t0).toBeLessThan(600);
    expect(code).toBe(130);
    await stuck;
  } finally {
    slow.stop(true);
    server.kill("SIGKILL");
  }
}, 60_000);
