// Profiles the redirect path: kurz from source under `bun --cpu-prof`, loaded like the bench does (wrk,
// random slugs of one set), then the profile's top frames. The .cpuprofile opens in Chrome DevTools too.
// With --set creates, the load is single-link creates from 16 concurrent clients instead.
// Usage: bun scripts/bench/profile.ts [--links 10000] [--duration 10] [--set plain|rule|pixel|password|creates] [--out DIR]
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { render, summarise } from "./cpuprofile-top";
import { freePort, LOAD_CPU, pinned, pinningNote, repo, run, startServer, stopAllOnExit, stopServer, waitQuiet, waitReady } from "./lib";
import { PHONE_UA, prepare, serveArgs, verify, type SetName } from "./setup";
import { requireWrk, runWrk } from "./wrk";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    links: { type: "string", default: "10000" },
    duration: { type: "string", default: "10" },
    set: { type: "string", default: "plain" },
    out: { type: "string", default: join(repo, "bench-results") },
  },
});
const set = values.set as SetName | "creates";
if (!["plain", "rule", "pixel", "password", "creates"].includes(set)) throw new Error(`--set must be plain, rule, pixel, password or creates`);
const say = (line: string) => console.log(`· ${line}`);

requireWrk();
stopAllOnExit();
const work = mkdtempSync(join(tmpdir(), "kurz-profile-"));
try {
  const fromSource = [process.execPath, join(repo, "src/main.ts")];
  const prepared = await prepare(fromSource, work, Number(values.links), set === "plain" || set === "creates" ? 0 : 1000, say);
  const port = await freePort();
  const profileDir = join(work, "profile");
  const kurz = await startServer("kurz (profiled)", [process.execPath, "--cpu-prof", `--cpu-prof-dir=${profileDir}`, join(repo, "src/main.ts"), ...serveArgs(port, prepared.db)], {
    port, cwd: work, log: join(work, "kurz.log"),
  });
  await waitReady(kurz, performance.now());
  await verify(kurz, null, prepared.sets);
  if (set === "creates") {
    say(`profiling creates: 2 s warm-up + ${values.duration} s of 16 concurrent clients; ${pinningNote}`);
    const client = (seconds: number) => run(pinned(LOAD_CPU, [process.execPath, join(import.meta.dir, "creates.ts"), kurz.origin, prepared.token, String(seconds), "16"]));
    client(2);
    await waitQuiet(10, 120_000);
    const result = JSON.parse(client(Number(values.duration))) as { perSecond: number; p99Ms: number };
    say(`${Math.round(result.perSecond).toLocaleString("en")} creates/s under the profiler, p99 ${result.p99Ms.toFixed(1)} ms`);
  } else {
    say(`profiling ${set} for 2 s warm-up + ${values.duration} s of wrk -t1 -c64; ${pinningNote}`);
    const load = { origin: kurz.origin, slugFile: prepared.slugFiles[set], userAgent: set === "rule" ? PHONE_UA : undefined, connections: 64, serverPid: kurz.pid, ownPids: [kurz.pid] };
    await runWrk({ ...load, seconds: 2 });
    await waitQuiet(10, 120_000);
    const result = await runWrk({ ...load, seconds: Number(values.duration) });
    say(`${Math.round(result.requestsPerSecond).toLocaleString("en")} requests/s under the profiler, p99 ${result.p99Ms.toFixed(2)} ms; other work used ${result.foreignCpuPct.toFixed(0)}% of a core meanwhile`);
  }
  await stopServer(kurz);

  const file = readdirSync(profileDir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) throw new Error(`no .cpuprofile written in ${profileDir}`);
  const text = render(summarise(JSON.parse(readFileSync(join(profileDir, file), "utf8"))));
  console.log(`\n${text}`);
  mkdirSync(values.out, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const kept = join(values.out, `profile-${set}-${stamp}.cpuprofile`);
  copyFileSync(join(profileDir, file), kept);
  writeFileSync(kept.replace(/\.cpuprofile$/, ".txt"), `${text}\n`);
  console.log(`\nprofile: ${kept}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
