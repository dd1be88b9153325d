// Runs wrk (Debian package `wrk`) with slugs.lua against a server and reads its report, sampling the
// server's RSS while the load lasts.
import { join } from "node:path";
import { foreignCpu, LOAD_CPU, pinned, run, sampleRss } from "./lib";

export interface WrkResult {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p75Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Answers outside 2xx/3xx, plus socket errors: should be 0. */
  errors: number;
  rssPeakMiB: number;
  /** CPU used by anything but the servers, wrk and the bench during the run, in % of one core. */
  foreignCpuPct: number;
}

const script = join(import.meta.dir, "slugs.lua");

export function requireWrk(): void {
  if (!Bun.which("wrk")) throw new Error("wrk is not installed: apt-get install -y wrk");
}

const toMs = (value: string, unit: string): number => {
  const n = Number(value);
  return unit === "us" ? n / 1000 : unit === "ms" ? n : unit === "s" ? n * 1000 : unit === "m" ? n * 60_000 : Number.NaN;
};

export function parseWrk(out: string): Omit<WrkResult, "rssPeakMiB" | "foreignCpuPct"> {
  const latency = (p: string) => {
    const m = new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, "m").exec(out);
    return m ? toMs(m[1]!, m[2]!) : Number.NaN;
  };
  const total = /^\s*(\d+) requests in ([\d.]+)(ms|s|m),/m.exec(out);
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(out);
  const max = /^\s*Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s|m)/m.exec(out);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  if (!total || !rps) throw new Error(`could not read wrk's report:\n${out}`);
  return {
    requests: Number(total[1]),
    seconds: toMs(total[2]!, total[3]!) / 1000,
    requestsPerSecond: Number(rps[1]),
    p50Ms: latency("50"),
    p75Ms: latency("75"),
    p90Ms: latency("90"),
    p99Ms: latency("99"),
    maxMs: max ? toMs(max[1]!, max[2]!) : Number.NaN,
    errors: non2xx + socketErrors,
  };
}

export interface WrkOptions {
  origin: string;
  slugFile: string;
  userAgent?: string;
  /** Requests from this many visitor addresses, in X-Forwarded-For (0 or absent: none sent). */
  visitors?: number;
  seconds: number;
  connections: number;
  /** The server whose memory is sampled during the run. */
  serverPid: number;
  /** Every process of the bench's own (servers), so that only other work counts as foreign. */
  ownPids: number[];
}

export async function runWrk(o: WrkOptions): Promise<WrkResult> {
  const cmd = pinned(LOAD_CPU, [
    "wrk", "-t1", `-c${o.connections}`, `-d${o.seconds}s`, "--latency", "--timeout", "5s",
    "-s", script, `${o.origin}/`, "--", o.slugFile, ...(o.userAgent ? [o.userAgent] : []),
  ]);
  const stopSampling = sampleRss(o.serverPid);
  const proc = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe", env: { ...process.env, KURZ_BENCH_VISITORS: String(o.visitors ?? 0) } });
  const foreign = foreignCpu(() => o.ownPids); // wrk, once reaped, counts among this process's children
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const foreignCpuPct = foreign.stop();
  const rss = stopSampling();
  if (code !== 0) throw new Error(`wrk failed (${code}):\n${out}${err}`);
  return { ...parseWrk(out), rssPeakMiB: rss.peakMiB, foreignCpuPct };
}

export const wrkVersion = (): string => {
  try {
    run(["wrk", "--version"]);
  } catch (error) {
    // wrk prints its version with its usage and exits 1.
    return /^wrk (\S+) \[/m.exec((error as Error).message)?.[1] ?? "unknown";
  }
  return "unknown";
};
