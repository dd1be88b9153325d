// kill -9 in the middle of concurrent creates: every link whose create was answered 200 survives,
// and the database passes PRAGMA integrity_check.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { buildBinary, freePort, tempDir, waitHealthy } from "../support/process";

const dir = tempDir("crash");
let bin = "";
beforeAll(() => {
  bin = buildBinary(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = { HOME: dir, KURZ_ADMIN_EMAIL: "crash@example.com", KURZ_ADMIN_PASSWORD: "crash-password" };
const db = join(dir, "kurz.sqlite");

function start(port: number) {
  return Bun.spawn([bin, "serve", "--port", String(port), "--host", "127.0.0.1", "--db", db, "--api-rate-limit", "0"], {
    cwd: dir, env, stdout: "ignore", stderr: "ignore",
  });
}

test("a kill -9 during concurrent creates loses no acknowledged link and leaves an intact database", async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let server = start(port);
  await waitHealthy(base);
  const token = JSON.parse(Bun.spawnSync([bin, "user", "token", "--email", "crash@example.com", "--db", db], { cwd: dir, env }).stdout.toString()).api_token;

  const acknowledged: { alias: string; url: string }[] = [];
  let attempted = 0;
  let stop = false;
  const client = async (n: number) => {
    for (let i = 0; !stop; i++) {
      const alias = `c${n}-${i}`;
      const url = `https://example.com/${alias}`;
      attempted++;
      try {
        const r = await fetch(`${base}/api/links/create`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ long_url: url, alias, title: "t", description: "d", tags: ["crash", `c${n}`] }),
        });
        if (r.status === 200) acknowledged.push({ alias, url });
      } catch {
        return; // the server is gone
      }
    }
  };
  const clients = Array.from({ length: 8 }, (_, n) => client(n));
  await Bun.sleep(700 + Math.floor(Math.random() * 300));
  server.kill("SIGKILL");
  await server.exited;
  stop = true;
  await Promise.all(clients);
  expect(acknowledged.length).toBeGreaterThan(50);

  const check = new Database(db);
  expect(check.query("pragma integrity_check").get()).toEqual({ integrity_check: "ok" });
  check.close();

  server = start(port);
  try {
    await waitHealthy(base);
    const lost: string[] = [];
    await Promise.all(acknowledged.map(async ({ alias, url }) => {
      const r = await fetch(`${base}/${alias}`, { redirect: "manual" });
      if (r.status !== 302 || r.headers.get("location") !== url) lost.push(alias);
    }));
    console.log(`crash test: ${attempted} creates attempted, ${acknowledged.length} acknowledged, ${lost.length} lost`);
    expect(lost).toEqual([]);
  } finally {
    server.kill("SIGTERM");
    await server.exited;
  }
}, 60_000);
