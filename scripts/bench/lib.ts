// What the bench scripts share: building the binary, starting and stopping servers on a chosen core,
// waiting for them, reading a process's memory, and small statistics.
import { existsSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { shippedBuildArgs } from "../build-args";

export const repo = join(import.meta.dir, "../..");

export const median = (xs: number[]): number => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export const percentile = (xs: number[], p: number): number => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/**
 * Load generator and server each get a core of their own when there are two or more (taskset), so
 * the measurement compares servers rather than how the scheduler shares one core between them.
 */
const canPin = cpus().length >= 2 && Bun.which("taskset") !== null;
export const LOAD_CPU = "0";
export const SERVER_CPU = "1";
export const pinned = (cpu: string, cmd: string[]): string[] => (canPin ? ["taskset", "-c", cpu, ...cmd] : cmd);
export const pinningNote = canPin
  ? `load generator on CPU ${LOAD_CPU}, servers on CPU ${SERVER_CPU} (taskset)`
  : "no CPU pinning (fewer than 2 cores or no taskset)";

export async function freePort(): Promise<number> {
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = probe.port!;
  await probe.stop(true);
  return port;
}

/** Runs a command to completion; throws with its output when it fails. */
export function run(cmd: string[], options: { cwd?: string; env?: Record<string, string> } = {}): string {
  const r = Bun.spawnSync(cmd, { cwd: options.cwd ?? repo, env: { ...process.env, ...options.env }, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${cmd.join(" ")} failed (${r.exitCode}):\n${r.stdout.toString()}${r.stderr.toString()}`);
  return r.stdout.toString();
}

/** Builds the binary the way `bun run build` does, but into `out` so dist/ is left alone. */
export function buildBinary(out: string): { path: string; ms: number } {
  run([process.execPath, "scripts/gen-migrations.ts"]);
  const started = performance.now();
  run([process.execPath, ...shippedBuildArgs(out)]);
  return { path: out, ms: performance.now() - started };
}

export interface Server {
  name: string;
  pid: number;
  origin: string;
  log: string;
  proc: ReturnType<typeof Bun.spawn>;
}

const children = new Set<Server>();

/** Whatever happens, started servers do not outlive the bench. */
export function stopAllOnExit(): void {
  const killAll = () => {
    for (const s of children) s.proc.kill("SIGKILL");
  };
  process.on("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

export async function startServer(name: string, cmd: string[], options: { port: number; cwd: string; env?: Record<string, string>; log: string }): Promise<Server> {
  const proc = Bun.spawn(pinned(SERVER_CPU, cmd), {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: options.cwd, ...options.env },
    stdout: Bun.file(options.log),
    stderr: Bun.file(`${options.log}.err`),
  });
  const server: Server = { name, pid: proc.pid, origin: `http://127.0.0.1:${options.port}`, log: options.log, proc };
  children.add(server);
  return server;
}

/** Polls `path` until it answers (any status below 500); returns the time from `since`. */
export async function waitReady(server: Server, since: number, path = "/healthz", timeoutMs = 30_000): Promise<number> {
  for (;;) {
    if (server.proc.exitCode !== null) throw new Error(`${server.name} exited with ${server.proc.exitCode}:\n${tail(server.log)}`);
    if (performance.now() - since > timeoutMs) throw new Error(`${server.name} did not answer ${path} within ${timeoutMs} ms`);
    try {
      const response = await fetch(server.origin + path, { redirect: "manual" });
      await response.arrayBuffer();
      if (response.status < 500) return performance.now() - since;
    } catch {
      await Bun.sleep(2);
    }
  }
}

/** SIGTERM (kurz then writes its buffered clicks) and wait for the exit. */
export async function stopServer(server: Server, timeoutMs = 60_000): Promise<number> {
  server.proc.kill("SIGTERM");
  const timer = setTimeout(() => server.proc.kill("SIGKILL"), timeoutMs);
  const code = await server.proc.exited;
  clearTimeout(timer);
  children.delete(server);
  return code;
}

export function tail(file: string, lines = 20): string {
  const read = (f: string) => (existsSync(f) ? readFileSync(f, "utf8").split("\n").slice(-lines).join("\n") : "");
  return `${read(file)}\n${read(`${file}.err`)}`.trim();
}

/** Resident memory of a process in MiB (VmRSS), or NaN once it is gone. */
export function rssMiB(pid: number): number {
  try {
    const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
    return kb / 1024;
  } catch {
    return Number.NaN;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; returns the peak seen. */
export function sampleRss(pid: number, everyMs = 200): () => { peakMiB: number; samples: number[] } {
  const samples: number[] = [];
  const timer = setInterval(() => {
    const v = rssMiB(pid);
    if (!Number.isNaN(v)) samples.push(v);
  }, everyMs);
  return () => {
    clearInterval(timer);
    const last = rssMiB(pid);
    if (!Number.isNaN(last)) samples.push(last);
    return { peakMiB: samples.length ? Math.max(...samples) : Number.NaN, samples };
  };
}

/** The commit, and the product files that differ from it, when the binary was built. */
export function gitState(): { commit: string; subject: string; uncommittedProductFiles: string[] } {
  try {
    const [commit = "", subject = ""] = run(["git", "log", "-1", "--format=%H%n%s"]).split("\n");
    const uncommittedProductFiles = run(["git", "status", "--porcelain", "--", "src", "drizzle", "package.json", "bun.lock"])
      .split("\n").filter(Boolean).map((l) => l.slice(3));
    return { commit, subject, uncommittedProductFiles };
  } catch {
    return { commit: "unknown", subject: "", uncommittedProductFiles: [] };
  }
}

/**
 * CPU time a process (all its threads) has used so far, in clock ticks (utime + stime of /proc/PID/stat);
 * with `children`, also that of its children that have exited and been waited for (cutime + cstime).
 */
export function cpuTicks(pid: number | "self", children = false): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return Number(fields[11]) + Number(fields[12]) + (children ? Number(fields[13]) + Number(fields[14]) : 0);
  } catch {
    return 0;
  }
}

/** Ticks the whole machine spent running something (user, nice, system, steal; not interrupts, not idle). */
export function machineBusyTicks(): number {
  const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , , , steal = 0] = cpu;
  return user + nice + system + steal;
}

export const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/**
 * Measures CPU used by anything but `ours`, this process and its finished children (wrk, once it has
 * exited) between start and stop(), in % of one core: other people's work on a shared machine, or
 * the hypervisor stealing time.
 */
export function foreignCpu(ours: () => number[]): { stop(): number } {
  const mine = () => ours().reduce((sum, pid) => sum + cpuTicks(pid), cpuTicks("self", true));
  const t0 = performance.now();
  const busy0 = machineBusyTicks();
  const mine0 = mine();
  return {
    stop() {
      const seconds = (performance.now() - t0) / 1000;
      const foreign = machineBusyTicks() - busy0 - (mine() - mine0);
      return Math.max(0, (100 * foreign) / TICKS_PER_SECOND / seconds);
    },
  };
}

/**
 * Waits until the machine has been nearly quiet (everything but this process under `limitPct` of a
 * core) for two half-second windows: our servers have written their last clicks and finished their GC,
 * and nobody else's work is running. Gives up after `timeoutMs`; returns how long it waited.
 */
export async function waitQuiet(limitPct = 10, timeoutMs = 60_000): Promise<{ waitedMs: number; quiet: boolean }> {
  const started = performance.now();
  let calm = 0;
  while (calm < 2) {
    if (performance.now() - started > timeoutMs) return { waitedMs: performance.now() - started, quiet: false };
    const window = foreignCpu(() => []);
    await Bun.sleep(500);
    calm = window.stop() < limitPct ? calm + 1 : 0;
  }
  return { waitedMs: performance.now() - started, quiet: true };
}
