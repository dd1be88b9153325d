// Measures the compiled binary: file size, start-up time to the first answered /healthz (medians of
// several starts, on an existing database and on fresh ones, where the first start also migrates and
// hashes the first admin's password) and idle resident memory after start. Builds with the flags of
// package.json's "build" script unless --binary names a built file. Not a test; run with
// Each kind of start is measured on both cores and pinned to one (`taskset -c CPU`, as the bench runs
// servers; a one-core VPS): Bun's JIT and GC threads then share the core with start-up.
//   bun scripts/measure-binary.ts [--runs 11] [--binary PATH] [--cpu 1]
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { shippedBuildArgs } from "./build-args";

const root = join(import.meta.dir, "..");
const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: { runs: { type: "string", default: "11" }, binary: { type: "string" }, cpu: { type: "string", default: "1" } },
});
const runs = Math.max(1, Number(values.runs) || 11);
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

interface Start {
  ms: number;
  rssMiB: number;
}

/** Starts kurz on `db`, times it to the first 200 from /healthz, reads its RSS a second later, stops it. */
async function start(bin: string, dir: string, db: string, cpu: string | null): Promise<Start> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const cmd = [bin, "serve", "--host", "127.0.0.1", "--port", String(port), "--db", db];
  const proc = Bun.spawn(cpu === null ? cmd : ["taskset", "-c", cpu, ...cmd], { 
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
    await sleep(1000);
    return { ms: ready - t0, rssMiB: rssMiB(proc.pid) };
  } finally {
    proc.kill("SIGTERM");
    await proc.exited;
  }
}

const summary = (xs: number[], digits: number, unit: string) =>
  `${median(xs).toFixed(digits)} ${unit} (min ${Math.min(...xs).toFixed(digits)}, max ${Math.max(...xs).toFixed(digits)})`;

const work = mkdtempSync(join(tmpdir(), "kurz-measure-"));
try {
  const bin = join(work, "kurz");
  let buildMs = 0;
  let built = "";
  if (values.binary) {
    copyFileSync(values.binary, bin);
  } else {
    run([process.execPath, "scripts/gen-migrations.ts"]);
    const args = shippedBuildArgs(join(work, "build/kurz"));
    built = `bun build ${args.filter((a) => a.startsWith("--") && a !== "--outfile").join(" ")}`;
    const buildStarted = performance.now();
    run([process.execPath, ...args]);
    buildMs = performance.now() - buildStarted;
    copyFileSync(join(work, "build/kurz"), bin);
    rmSync(join(work, "build"), { recursive: true });
  }
  const sizeMB = statSync(bin).size / 1e6;

  // The kinds of start alternate, so a burst of other work on the machine hits them alike.
  const existingDir = mkdtempSync(join(work, "existing-"));
  const existingDb = join(existingDir, "kurz.sqlite");
  await start(bin, existingDir, existingDb, null); // creates it: migrations and the first admin
  const pin = Bun.which("taskset") ? String(values.cpu) : null;
  const kinds = [
    { name: "existing database", cpu: null },
    { name: "fresh database (migrate + first admin)", cpu: null },
    ...(pin === null ? [] : [
      { name: `existing database, one core (taskset -c ${pin})`, cpu: pin },
      { name: `fresh database, one core (taskset -c ${pin})`, cpu: pin },
    ]),
  ];
  const results = kinds.map(() => [] as Start[]);
  for (let i = 0; i < runs; i++) {
    for (const [k, kind] of kinds.entries()) {
      if (kind.name.startsWith("existing")) {
        results[k]!.push(await start(bin, existingDir, existingDb, kind.cpu));
      } else {
        const dir = mkdtempSync(join(work, "run-"));
        results[k]!.push(await start(bin, dir, join(dir, "kurz.sqlite"), kind.cpu));
      }
    }
  }

  const rows: [string, string][] = [
    ["Bun", Bun.version],
    ...(built ? [[`build time (${built})`, `${(buildMs / 1000).toFixed(1)} s`] as [string, string]] : []),
    ["binary size", `${sizeMB.toFixed(1)} MB (${(sizeMB / 1.048576).toFixed(1)} MiB)`],
    ...kinds.map((kind, k): [string, string] => [`start to first /healthz, ${kind.name}, median of ${runs}`, summary(results[k]!.map((s) => s.ms), 0, "ms")]),
    ...kinds.map((kind, k): [string, string] => [`idle RSS ~1 s after start, ${kind.name}`, summary(results[k]!.map((s) => s.rssMiB), 1, "MiB")]),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`| ${"measure".padEnd(width)} | value`);
  console.log(`| ${"-".repeat(width)} | -----`);
  for (const [k, v] of rows) console.log(`| ${k.padEnd(width)} | ${v}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
