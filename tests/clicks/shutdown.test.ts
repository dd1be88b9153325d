// A graceful stop loses no click: 1,000 concurrent visits, SIGTERM, restart, exactly 1,000 in the stats.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dir, "../..");
const dir = mkdtempSync(join(tmpdir(), "kurz-shutdown-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function freePort(): number {
  const s = Bun.serve({ port: 0, fetch: () => new Response() });
  const port = s.port!;
  s.stop(true);
  return port;
}

async function start(port: number) {
  const proc = Bun.spawn(["bun", "src/main.ts", "serve", "--port", String(port), "--host", "127.0.0.1", "--db", join(dir, "kurz.sqlite")], {
    cwd: root,
    env: { ...process.env, KURZ_ADMIN_EMAIL: "admin@example.com", KURZ_ADMIN_PASSWORD: "admin-password", PORT: "", KURZ_DB: "" },
    stdout: "pipe",
    stderr: "pipe",
  });
  for (let i = 0; i < 200; i++) {
    if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) return proc;
    await Bun.sleep(50);
  }
  proc.kill("SIGKILL");
  throw new Error("server did not start");
}

test("SIGTERM flushes every buffered click: 1,000 concurrent visits are 1,000 clicks after a restart", async () => {
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  let server = await start(port);
  const token = JSON.parse(Bun.spawnSync(["bun", "src/main.ts", "user", "token", "--email", "admin@example.com", "--db", join(dir, "kurz.sqlite")], { cwd: root }).stdout.toString()).api_token;
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

  server = await start(port);
  try {
    const stats = await fetch(`${base}/api/links/${created.link.id}/stats`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json() as Promise<any>);
    expect(stats.stats.total + stats.stats.bots).toBe(1000);
    expect(stats.stats.total).toBe(1000);
  } finally {
    server.kill("SIGTERM");
    await server.exited;
  }
}, 60_000);
