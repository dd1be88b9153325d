// Measures the compiled binary: file size, start-up time to the first answered /healthz (median of
// several starts on fresh databases) and idle resident memory after start. Not a test; run with
//   bun scripts/measure-binary.ts [--runs 5]
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const root = join(import.meta.dir, "..");
const { values } = parseArgs({ args: Bun.argv.slice(2), options: { runs: { type: "string", default: "5" } } });
const runs = Math.max(1, Number(values.runs) || 5);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

async function freePort(): Promise<number> {
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = probe.port!;
  await probe.stop(true);
  return port;
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
  return kb / 1024;
}

function run(cmd: string[], cwd = root): void {
  const r = Bun.spawnSync(cmd, { cwd, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${cmd.join(" ")} failed:\n${r.stdout.toString()}${r.stderr.toString()}`);
}

const work = mkdtempSync(join(tmpdir(), "kurz-measure-"));
try {
  run([process.execPath, "scripts/gen-migrations.ts"]);
  const buildStarted = performance.now();
  run([process.execPath, "build", "src/main.ts", "--compile", "--minify", "--outfile", join(work, "build/kurz")]);
  const buildMs = performance.now() - buildStarted;
  const bin = join(work, "kurz");
  copyFileSync(join(work, "build/kurz"), bin);
  rmSync(join(work, "build"), { recursive: true });
  const sizeMB = statSync(bin).size / 1e6;

  const startMs: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(work, "run-"));
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const t0 = performance.now();
    const proc = Bun.spawn([bin, "serve", "--host", "127.0.0.1", "--port", String(port), "--db", join(dir, "kurz.sqlite")], {
      cwd: dir,
      env: { HOME: dir, KURZ_ADMIN_EMAIL: "measure@example.com", KURZ_ADMIN_PASSWORD: "measure-password-123" },
      stdout: "ignore",
      stderr: "ignore",
    });
    try {
      let ready = 0;
      while (!ready) {
        if (proc.exitCode !== null) throw new Error(`kurz exited with ${proc.exitCode} before answering /healthz`);
        if (performance.now() - t0 > 15_000) throw new Error("no /healthz answer in 15 s");
        try {
          const response = await fetch(`${origin}/healthz`);
          if (response.status === 200) ready = performance.now();
        } catch {
          await sleep(2);
        }
      }
      startMs.push(ready - t0);
      await sleep(1000);
      rss.push(rssMiB(proc.pid));
    } finally {
      proc.kill("SIGTERM");
      await proc.exited;
    }
  }

  const rows: [string, string][] = [
    ["Bun", Bun.version],
    ["build time (bun build --compile --minify)", `${(buildMs / 1000).toFixed(1)} s`],
    ["binary size", `${sizeMB.toFixed(1)} MB (${(sizeMB / 1.048576).toFixed(1)} MiB)`],
    [`start to first /healthz, median of ${runs}`, `${median(startMs).toFixed(0)} ms (min ${Math.min(...startMs).toFixed(0)}, max ${Math.max(...startMs).toFixed(0)})`],
    [`idle RSS ~1 s after start, median of ${runs}`, `${median(rss).toFixed(1)} MiB (min ${Math.min(...rss).toFixed(1)}, max ${Math.max(...rss).toFixed(1)})`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`| ${"measure".padEnd(width)} | value`);
  console.log(`| ${"-".repeat(width)} | -----`);
  for (const [k, v] of rows) console.log(`| ${k.padEnd(width)} | ${v}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
