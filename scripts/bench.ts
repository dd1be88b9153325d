// `bun run bench`: builds kurz, loads N links into a temporary database and measures the redirect path
// against a bare Bun.serve 302 in the same run (load from wrk, the Debian package; alternating rounds;
// clicks recorded as usual), then creates, start-up and database size; prints a table with the issue's
// targets and writes bench-results/<time>.json.
//   bun run bench [--links 10000] [--rounds 5] [--duration 10] [--connections 64] [--special 1000]
//                 [--binary PATH] [--quick | --only creates] [--guard 0.6] [--retries 3] [--quiet-wait 60] [--no-save] [--keep]
//                 [--visitors 0]
// --binary measures a kurz binary built elsewhere; --quick measures plain redirects only (CI's guard);
// --only creates measures single creates and the 100-URL create only (no redirects, start-up or size);
// --guard R exits 1 when plain redirects fall below R× the baseline. Each measurement waits (up to
// --quiet-wait s) for the machine to be quiet and is taken again (up to --retries times) when other work
// used more than 10% of a core meanwhile; the other server is paused (SIGSTOP) while one is measured.
// --visitors N: every request comes from one of N visitor addresses (X-Forwarded-For, kurz run with
// --trust-proxy), as behind a proxy with many visitors; 0, the default: all from 127.0.0.1.
// Links are written into SQLite directly, not through the API.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { longUrl, measureDatabase, type DatabaseSize } from "./bench/database";
import {
  buildBinary, foreignCpu, freePort, gitState, LOAD_CPU, median, pinned, pinningNote, repo, rssMiB, run, startServer,
  stopAllOnExit, stopServer, waitQuiet, waitReady, type Server,
} from "./bench/lib";
import { ADMIN, api, PHONE_UA, prepare, serveArgs, verify, type Prepared, type SetName } from "./bench/setup";
import { requireWrk, runWrk, wrkVersion, type WrkResult } from "./bench/wrk";

const { values: flags } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    links: { type: "string", default: "10000" },
    rounds: { type: "string", default: "5" },
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "64" },
    special: { type: "string", default: "1000" },
    binary: { type: "string" },
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    guard: { type: "string" },
    retries: { type: "string", default: "3" },
    "quiet-wait": { type: "string", default: "60" },
    "no-save": { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    visitors: { type: "string", default: "0" },
    help: { type: "boolean", short: "h" },
  },
});
if (flags.help) {
  const lines = (await Bun.file(import.meta.path).text()).split("\n");
  console.log(lines.slice(0, lines.findIndex((l) => !l.startsWith("//"))).join("\n"));
  process.exit(0);
}
const positive = (name: string, value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number, got ${value}`);
  return n;
};
if (flags.only !== undefined && flags.only !== "creates") throw new Error(`--only takes "creates", got ${flags.only}`);
if (flags.only && (flags.quick || flags.guard !== undefined)) throw new Error("--only creates cannot be used with --quick or --guard");
const opt = {
  links: positive("links", flags.links),
  rounds: positive("rounds", flags.rounds),
  seconds: positive("duration", flags.duration),
  connections: positive("connections", flags.connections),
  special: flags.quick || flags.only ? 0 : positive("special", flags.special),
  quick: flags.quick,
  onlyCreates: flags.only === "creates",
  guard: flags.guard === undefined ? null : Number(flags.guard),
  retries: Number(flags.retries),
  quietWaitMs: Number(flags["quiet-wait"]) * 1000,
  visitors: flags.visitors === "0" ? 0 : positive("visitors", flags.visitors),
};

const say = (line: string) => console.log(`· ${line}`);
const visitorsNote = opt.visitors ? `, ${opt.visitors.toLocaleString("en")} visitor addresses (X-Forwarded-For, --trust-proxy)` : "";
/** Above this much CPU used by others during a measurement (% of one core), it is taken again. */
const CONTENTION_PCT = 10;

type Target = "baseline" | SetName;

/**
 * Runs a measurement when the machine is quiet and again (up to --retries times) when other work used
 * the CPU meanwhile; `ownPids` are the bench's servers, whose work is not "other".
 */
async function uncontended<T>(what: string, ownPids: () => number[], measure: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    await waitQuiet(CONTENTION_PCT, opt.quietWaitMs);
    const foreign = foreignCpu(ownPids);
    const result = await measure();
    const pct = foreign.stop();
    if (pct <= CONTENTION_PCT) return result;
    if (attempt >= opt.retries) {
      contention.keptAnyway.push(what);
      return result;
    }
    contention.repeated.push(what);
  }
}
const contention = { repeated: [] as string[], keptAnyway: [] as string[] };

/** Times from spawn to the first answer (kurz: /healthz), and the resident memory a second later. */
async function startupTimes(cmd: (port: number) => string[], path: string, work: string, env: Record<string, string>, runs: number) {
  const ms: number[] = [];
  const idleRssMiB: number[] = [];
  for (let i = 0; i < runs; i++) {
    await uncontended(`start-up ${i + 1}`, () => [], async () => {
      const port = await freePort();
      const t0 = performance.now();
      const server = await startServer("start-up", cmd(port), { port, cwd: work, env, log: join(work, "startup.log") });
      ms.push(await waitReady(server, t0, path));
      await Bun.sleep(1000);
      idleRssMiB.push(rssMiB(server.pid));
      await stopServer(server);
    });
  }
  return { ms, idleRssMiB };
}

interface RedirectRuns {
  runs: Record<Target, WrkResult[]>;
  kurzRequests: number;
  /** Rounds measured again because other work used the CPU meanwhile, and rounds kept despite it. */
  repeatedRounds: number;
  contendedRoundsKept: number;
}

async function redirectLoad(kurz: Server, baseline: Server, p: Prepared): Promise<RedirectRuns> {
  const sets: SetName[] = opt.quick ? ["plain"] : ["plain", "rule", "pixel", "password"];
  const targets: Target[] = ["baseline", ...sets];
  const runs = Object.fromEntries(targets.map((t) => [t, []])) as unknown as Record<Target, WrkResult[]>;
  let kurzRequests = 0;
  let repeatedRounds = 0;
  let contendedRoundsKept = 0;
  const once = async (target: Target, seconds: number) => {
    const server = target === "baseline" ? baseline : kurz;
    // The other server is paused meanwhile: both share one core, and kurz, idle while the baseline is
    // measured, would spend it folding the clicks of its last run (as it should when quiet).
    const other = target === "baseline" ? kurz : baseline;
    process.kill(other.pid, "SIGSTOP");
    try {
      // Starts when nothing else is running (bounded wait).
      await waitQuiet(CONTENTION_PCT, opt.quietWaitMs);
      const result = await runWrk({
        origin: server.origin,
        slugFile: p.slugFiles[target === "baseline" ? "plain" : target],
        userAgent: target === "rule" ? PHONE_UA : undefined,
        seconds,
        connections: opt.connections,
        visitors: opt.visitors,
        serverPid: server.pid,
        ownPids: [server.pid],
      });
      if (target !== "baseline" && target !== "password") kurzRequests += result.requests;
      return result;
    } finally {
      process.kill(other.pid, "SIGCONT");
    }
  };
  const warm = opt.quick ? 1 : 3;
  say(`warm-up: ${warm} s on each of ${targets.join(", ")}`);
  for (const t of targets) await once(t, warm);
  for (let r = 0; r < opt.rounds; r++) {
    // Alternate the order so a drift over time (heat, clicks piling up) does not favour one side.
    const order = r % 2 ? [...targets].reverse() : targets;
    for (let attempt = 0; ; attempt++) {
      const round = new Map<Target, WrkResult>();
      for (const t of order) round.set(t, await once(t, opt.seconds));
      const worst = Math.max(...[...round.values()].map((x) => x.foreignCpuPct));
      const line = order.map((t) => {
        const x = round.get(t)!;
        return `${t} ${Math.round(x.requestsPerSecond).toLocaleString("en")}/s p99 ${x.p99Ms.toFixed(2)} ms${x.errors ? ` (${x.errors} errors)` : ""}`;
      });
      const contended = worst > CONTENTION_PCT;
      say(`round ${r + 1}/${opt.rounds}${attempt ? ` (again, ${attempt})` : ""}: ${line.join(" · ")}${contended ? ` — other work used up to ${worst.toFixed(0)}% of a core` : ""}`);
      if (contended && attempt < opt.retries) {
        repeatedRounds++;
        continue;
      }
      if (contended) contendedRoundsKept++;
      for (const [t, x] of round) runs[t].push(x);
      break;
    }
  }
  return { runs, kurzRequests, repeatedRounds, contendedRoundsKept };
}

interface CreateRun { created: number; failed: number; firstFailure: string; seconds: number; perSecond: number; p50Ms: number; p99Ms: number }

async function createLoad(kurz: Server, baseline: Server, token: string): Promise<{ single: CreateRun[]; batchMs: number[] }> {
  const single: CreateRun[] = [];
  const seconds = Math.min(opt.seconds, 5);
  const ours = () => [kurz.pid, baseline.pid];
  for (let r = 0; r < Math.min(opt.rounds, 3); r++) {
    const result = await uncontended(`creates ${r + 1}`, ours, async () => {
      const client = [process.execPath, join(import.meta.dir, "bench/creates.ts"), kurz.origin, token, String(seconds), "16"];
      return JSON.parse(run(pinned(LOAD_CPU, client))) as CreateRun;
    });
    if (result.failed) say(`creates: ${result.failed} failed, first: ${result.firstFailure}`);
    single.push(result);
    say(`creates round ${r + 1}: ${Math.round(result.perSecond).toLocaleString("en")}/s (p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms)`);
  }
  const batchMs: number[] = [];
  for (let r = 0; r < 6; r++) {
    const urls = Array.from({ length: 100 }, (_, i) => longUrl(`batch${r}`, i));
    const ms = await uncontended(`100-URL create ${r + 1}`, ours, async () => {
      const t0 = performance.now();
      const created = await api<{ links: unknown[] }>(kurz.origin, token, "/api/links/create", {
        multiple_urls: urls, title: "A batch", description: "Given, so that kurz does not fetch 100 pages.",
      });
      if (created.links.length !== 100) throw new Error(`multiple_urls created ${created.links.length} links, not 100`);
      return performance.now() - t0;
    });
    if (r > 0) batchMs.push(ms); // the first one warms the path up
  }
  say(`100-URL multiple_urls create: ${batchMs.map((m) => m.toFixed(1)).join(", ")} ms`);
  return { single, batchMs };
}

// ——— the report ———

interface Row { measure: string; baseline: string; kurz: string; ratio: string; target: string; met: boolean | null }

const fmt = {
  rps: (n: number) => `${Math.round(n).toLocaleString("en")}/s`,
  ms: (n: number) => `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms`,
  mib: (n: number) => `${n.toFixed(1)} MiB`,
  x: (n: number) => `${n.toFixed(2)}×`,
};

function table(rows: Row[]): string {
  const cells = rows.map((r) => [r.measure, r.baseline, r.kurz, r.ratio, r.target, r.met === null ? "" : r.met ? "yes" : "NO"]);
  const head = ["measure", "baseline", "kurz", "ratio", "target", "met"];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

function createRows(creates: { single: CreateRun[]; batchMs: number[] }): Row[] {
  const perSecond = median(creates.single.map((c) => c.perSecond));
  const batch = median(creates.batchMs);
  return [
    { measure: "single creates, 16 clients", baseline: "", kurz: `${fmt.rps(perSecond)} (p99 ${fmt.ms(median(creates.single.map((c) => c.p99Ms)))})`, ratio: "", target: "≥ 5,000/s", met: perSecond >= 5000 },
    { measure: "one 100-URL multiple_urls create", baseline: "", kurz: fmt.ms(batch), ratio: "", target: "≤ 50 ms", met: batch <= 50 },
  ];
}

/** Writes bench-results/<start time>.json unless --no-save. */
function save(startedAt: Date, result: object): void {
  if (flags["no-save"]) return;
  const dir = join(repo, "bench-results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${startedAt.toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`results: ${file}`);
}

async function main(): Promise<void> {
  requireWrk();
  stopAllOnExit();
  const startedAt = new Date();
  const work = mkdtempSync(join(tmpdir(), "kurz-bench-"));
  try {
    let kurzPath = flags.binary;
    let buildMs: number | null = null;
    const git = gitState(); // now: others may commit while the bench runs
    if (!kurzPath) {
      say("building the binary (scripts/gen-migrations.ts + bun build --compile --minify, as `bun run build`, into a temp folder)");
      const built = buildBinary(join(work, "kurz"));
      kurzPath = built.path;
      buildMs = built.ms;
    }
    // The baseline is compiled the same way, so both sides start and run as single-file binaries.
    const baselineBin = join(work, "baseline");
    run([process.execPath, "build", join(import.meta.dir, "bench/baseline.ts"), "--compile", "--minify", "--outfile", baselineBin]);
    const prepared = await prepare([kurzPath], work, opt.links, opt.special, say);

    let startup: Record<"baseline" | "loaded" | "fresh", { ms: number[]; idleRssMiB: number[] }> | null = null;
    if (!opt.quick && !opt.onlyCreates) {
      say("start-up: 5 starts of the baseline binary, 5 of kurz on the loaded database, 5 first starts of kurz on empty ones");
      const kurzBin = kurzPath;
      const fresh = () => join(mkdtempSync(join(work, "fresh-")), "kurz.sqlite");
      startup = {
        baseline: await startupTimes((port) => [baselineBin, String(port)], "/", work, {}, 5),
        loaded: await startupTimes((port) => [kurzBin, ...serveArgs(port, prepared.db)], "/healthz", work, {}, 5),
        fresh: await startupTimes((port) => [kurzBin, ...serveArgs(port, fresh())], "/healthz", work, { KURZ_ADMIN_EMAIL: ADMIN.email, KURZ_ADMIN_PASSWORD: ADMIN.password }, 5),
      };
    }

    const baselinePort = await freePort();
    const baseline = await startServer("baseline", [baselineBin, String(baselinePort)], {
      port: baselinePort, cwd: work, log: join(work, "baseline.log"),
    });
    const kurzPort = await freePort();
    const kurz = await startServer("kurz", [kurzPath, ...serveArgs(kurzPort, prepared.db), ...(opt.visitors ? ["--trust-proxy"] : [])], { port: kurzPort, cwd: work, log: join(work, "kurz.log") });
    await waitReady(baseline, performance.now(), "/");
    await waitReady(kurz, performance.now());
    const verifyClicks = await verify(kurz, baseline, prepared.sets);
    if (opt.onlyCreates) {
      const creates = await createLoad(kurz, baseline, prepared.token);
      await stopServer(kurz);
      await stopServer(baseline);
      const rows = createRows(creates);
      console.log();
      console.log(`kurz bench, creates only — ${git.commit.slice(0, 7)}${git.uncommittedProductFiles.length ? ` + uncommitted ${git.uncommittedProductFiles.join(", ")}` : ""}${flags.binary ? ` (binary ${flags.binary})` : ""}`);
      console.log(`${creates.single.length} rounds × ${Math.min(opt.seconds, 5)} s of 16 clients; medians; Bun ${Bun.version}, ${cpus().length} cores`);
      console.log(table(rows));
      save(startedAt, { startedAt: startedAt.toISOString(), git, options: opt, buildMs, creates, contention, rows });
      return;
    }
    say(`wrk ${wrkVersion()} -t1 -c${opt.connections}, ${opt.rounds} rounds × ${opt.seconds} s, random slugs${visitorsNote}; ${pinningNote}`);
    const load = await redirectLoad(kurz, baseline, prepared);
    const creates = opt.quick ? null : await createLoad(kurz, baseline, prepared.token);
    const stopCode = await stopServer(kurz);
    await stopServer(baseline);
    if (stopCode !== 0) say(`kurz exited with ${stopCode} on SIGTERM`);

    let size: DatabaseSize | null = null;
    if (!opt.quick) {
      say("measuring the database (VACUUM INTO a copy, with and without the click tables)");
      size = measureDatabase(prepared.db, work);
    }

    // ——— summary ———
    const r = load.runs;
    const med = (t: Target, k: keyof WrkResult) => median(r[t].map((x) => x[k]));
    const pairedRatio = (a: Target, b: Target) => median(r[a].map((x, i) => x.requestsPerSecond / r[b][i]!.requestsPerSecond));
    const plainRatio = pairedRatio("plain", "baseline");
    const big = opt.links >= 1_000_000;
    const plainTarget = big ? 0.8 : 0.85;
    const p99Ratio = med("plain", "p99Ms") / med("baseline", "p99Ms");
    const rows: Row[] = [
      { measure: "plain redirects", baseline: fmt.rps(med("baseline", "requestsPerSecond")), kurz: fmt.rps(med("plain", "requestsPerSecond")), ratio: fmt.x(plainRatio), target: `≥ ${plainTarget}× baseline`, met: plainRatio >= plainTarget },
      { measure: "  p50 latency", baseline: fmt.ms(med("baseline", "p50Ms")), kurz: fmt.ms(med("plain", "p50Ms")), ratio: fmt.x(med("plain", "p50Ms") / med("baseline", "p50Ms")), target: "", met: null },
      { measure: "  p99 latency", baseline: fmt.ms(med("baseline", "p99Ms")), kurz: fmt.ms(med("plain", "p99Ms")), ratio: fmt.x(p99Ratio), target: "≤ 2× baseline", met: p99Ratio <= 2 },
      {
        measure: "  RSS under load (peak)", baseline: fmt.mib(med("baseline", "rssPeakMiB")), kurz: fmt.mib(med("plain", "rssPeakMiB")), ratio: "",
        target: big ? "≤ 120 MB" : "(≤ 120 MB at 1M links)", met: big ? med("plain", "rssPeakMiB") * 1.048576 <= 120 : null,
      },
    ];
    if (!opt.quick) {
      for (const s of ["rule", "pixel", "password"] as const) {
        const ratio = pairedRatio(s, "plain");
        const label = { rule: "device-rule redirects", pixel: "pixel pages (200)", password: "password forms (200)" }[s];
        rows.push({ measure: label, baseline: "", kurz: `${fmt.rps(med(s, "requestsPerSecond"))}, p99 ${fmt.ms(med(s, "p99Ms"))}`, ratio: `${fmt.x(ratio)} plain`, target: "≥ 0.7× plain", met: ratio >= 0.7 });
      }
      const peakAll = Math.max(...(["plain", "rule", "pixel", "password"] as const).map((s) => med(s, "rssPeakMiB")));
      rows.push({ measure: "RSS under load, any path", baseline: "", kurz: fmt.mib(peakAll), ratio: "", target: big ? "≤ 120 MB" : "", met: big ? peakAll * 1.048576 <= 120 : null });
    }
    if (creates) rows.push(...createRows(creates));
    if (startup) {
      const loaded = median(startup.loaded.ms);
      rows.push({ measure: "start-up to /healthz (loaded db)", baseline: fmt.ms(median(startup.baseline.ms)), kurz: fmt.ms(loaded), ratio: fmt.x(loaded / median(startup.baseline.ms)), target: "≤ 150 ms", met: loaded <= 150 });
      rows.push({ measure: "  first start (migrate + admin)", baseline: "", kurz: fmt.ms(median(startup.fresh.ms)), ratio: "", target: "", met: null });
      rows.push({ measure: "RSS idle, 1 s after start", baseline: fmt.mib(median(startup.baseline.idleRssMiB)), kurz: fmt.mib(median(startup.loaded.idleRssMiB)), ratio: "", target: "", met: null });
    }
    if (size) {
      rows.push({ measure: "database per link", baseline: "", kurz: `${Math.round(size.bytesPerLink)} B`, ratio: "", target: "≤ 400 B", met: size.bytesPerLink <= 400 });
      rows.push({ measure: "database per click", baseline: "", kurz: `${Math.round(size.bytesPerClick)} B (${Math.round(size.bytesPerClickRow)} B a count)`, ratio: "", target: "≤ 120 B", met: size.bytesPerClick <= 120 });
    }

    const errors = Object.values(r).flat().reduce((a, x) => a + x.errors, 0);
    console.log();
    console.log(`kurz bench — ${git.commit.slice(0, 7)}${git.uncommittedProductFiles.length ? ` + uncommitted ${git.uncommittedProductFiles.join(", ")}` : ""}${flags.binary ? ` (binary ${flags.binary})` : ""}`);
    console.log(`${opt.links.toLocaleString("en")} links, ${opt.rounds} rounds × ${opt.seconds} s, wrk -t1 -c${opt.connections}${visitorsNote}; medians; Bun ${Bun.version}, ${cpus().length} cores`);
    console.log(table(rows));
    console.log(`ratios are medians of the per-round ratios (each round measures baseline and kurz back to back); load average at the end ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
    console.log(`links were bulk-loaded into SQLite directly (not through the API); the rule, pixel and password templates were created through the API`);
    if (errors) console.log(`WARNING: ${errors} wrk errors or non-2xx/3xx answers`);
    const repeated = load.repeatedRounds + contention.repeated.length;
    const keptAnyway = load.contendedRoundsKept + contention.keptAnyway.length;
    console.log(`other work on the machine: ${repeated} measurements taken again${keptAnyway ? `, ${keptAnyway} kept although other work used over ${CONTENTION_PCT}% of a core (${[...contention.keptAnyway, ...(load.contendedRoundsKept ? [`${load.contendedRoundsKept} redirect rounds`] : [])].join(", ")})` : ""}`);
    if (size) {
      const expected = load.kurzRequests + verifyClicks;
      console.log(`clicks recorded: ${size.clicks.toLocaleString("en")} of ${expected.toLocaleString("en")} redirects and pixel pages wrk counted (${((100 * size.clicks) / expected).toFixed(1)}%; wrk leaves out the requests in flight when it stops), in ${size.clickRows.toLocaleString("en")} counts per hour, link and visitor`);
      console.log(`database: ${(size.bytes / 1e6).toFixed(1)} MB with clicks, ${(size.bytesWithoutClicks / 1e6).toFixed(1)} MB without; ${size.links.toLocaleString("en")} links (avg long_url ${size.avgLongUrlChars.toFixed(0)} chars, title ${size.avgTitleChars.toFixed(0)} chars)`);
      if (size.objects) console.log(`  by object: ${Object.entries(size.objects).slice(0, 8).map(([k, v]) => `${k} ${(v / 1e6).toFixed(1)} MB`).join(", ")}`);
    }
    console.log(`plain redirects: ${fmt.x(plainRatio)} the bare Bun.serve baseline`);

    const result = {
      startedAt: startedAt.toISOString(),
      git,
      // Other work on the machine shows up here: the bench cannot keep it away from the cores it uses.
      machine: { bun: Bun.version, cores: cpus().length, cpu: cpus()[0]?.model ?? "", wrk: wrkVersion(), pinning: pinningNote, loadAverageAtEnd: loadavg() },
      options: opt,
      bulkLoad: { method: "bun:sqlite, one transaction, prepared insert", ms: prepared.sets.ms },
      buildMs,
      redirects: {
        plainToBaseline: plainRatio,
        p99ToBaseline: p99Ratio,
        toPlain: opt.quick ? null : Object.fromEntries((["rule", "pixel", "password"] as const).map((s) => [s, pairedRatio(s, "plain")])),
        runs: r,
      },
      creates,
      startup,
      contention: { limitPctOfCore: CONTENTION_PCT, redirectRoundsRepeated: load.repeatedRounds, redirectRoundsKeptContended: load.contendedRoundsKept, ...contention },
      database: size,
      rows,
    };
    save(startedAt, result);
    if (opt.guard !== null && !(plainRatio >= opt.guard)) {
      console.log(`bench guard FAILED: plain redirects at ${fmt.x(plainRatio)} the baseline, below ${opt.guard}×`);
      process.exitCode = 1;
    } else if (opt.guard !== null) {
      console.log(`bench guard passed: ${fmt.x(plainRatio)} ≥ ${opt.guard}×`);
    }
  } finally {
    if (flags.keep) console.log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

await main();
