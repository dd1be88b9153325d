// Helpers for tests that run kurz as a real process: free ports, the compiled binary, waiting for health.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { shippedBuildArgs } from "../../scripts/build-args";

export const repo = join(import.meta.dir, "../..");

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `kurz-${prefix}-`));
}

export async function freePort(): Promise<number> {
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = probe.port!;
  await probe.stop(true);
  return port;
}

/** Builds dist-like `kurz` into `dir` (as `bun run build` does) and returns its path. */
export function buildBinary(dir: string): string {
  const gen = Bun.spawnSync(["bun", "scripts/gen-migrations.ts"], { cwd: repo });
  if (gen.exitCode !== 0) throw new Error(gen.stderr.toString());
  const out = join(dir, "kurz");
  const build = Bun.spawnSync([process.execPath, ...shippedBuildArgs(out)], { cwd: repo });
  if (build.exitCode !== 0) throw new Error(build.stderr.toString());
  return out;
}

/** Polls /healthz until it answers ok (bounded). */
export async function waitHealthy(base: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) return;
    await Bun.sleep(25);
  }
  throw new Error(`${base} did not become healthy within ${timeoutMs} ms`);
}
