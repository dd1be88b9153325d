// What each part of a redirect costs on its own: bare Bun.serve 302 servers that add one part at a time
// (scripts/bench/floor-server.ts), measured like the bench (wrk -t1 -c64, random slugs, pinned CPUs,
// alternating rounds), as ratios to the bare server, with each one's p99 and the server's CPU time per
// request (the bare server uses its whole core, so the ratio is its CPU per request over the variant's).
// It shows the ceiling kurz's redirect path can reach on this Bun before doing anything of its own.
// Usage: bun scripts/bench/floor.ts [--rounds 3] [--duration 4] [--links 10000] [--variants "bare;ip;route,ip"]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { randomSlugs, writeSlugFile } from "./database";
import { cpuTicks, freePort, TICKS_PER_SECOND, median, startServer, stopAllOnExit, stopServer, waitQuiet } from "./lib";
import { requireWrk, runWrk } from "./wrk";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: { rounds: { type: "string", default: "3" }, duration: { type: "string", default: "4" }, links: { type: "string", default: "10000" }, variants: { type: "string" } },
});
const variants = (values.variants ?? "bare;lookup;ip;headers;nostore;spread;lookup,count;lookup,count,ip,headers,nostore").split(";");

requireWrk();
stopAllOnExit();
const work = mkdtempSync(join(tmpdir(), "kurz-floor-"));
try {
  const slugFile = join(work, "slugs.txt");
  writeSlugFile(slugFile, randomSlugs(Number(values.links), new Set()));
  const results = new Map<string, number[]>(variants.map((v) => [v, []]));
  const cpu = new Map<string, number[]>(variants.map((v) => [v, []]));
  const p99s = new Map<string, number[]>(variants.map((v) => [v, []]));
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const variant of round % 2 ? [...variants].reverse() : variants) {
      const port = await freePort();
      const server = await startServer(variant, [process.execPath, join(import.meta.dir, "floor-server.ts"), String(port), slugFile, variant], {
        port, cwd: work, log: join(work, `${variant}.log`),
      });
      await Bun.sleep(500);
      await waitQuiet(10, 15_000);
      const ticks = cpuTicks(server.pid);
      const r = await runWrk({ origin: `http://127.0.0.1:${port}`, slugFile, seconds: Number(values.duration), connections: 64, serverPid: server.pid, ownPids: [server.pid] });
      // The server's CPU time over the run, in µs per request answered.
      cpu.get(variant)!.push(((cpuTicks(server.pid) - ticks) * (1e6 / TICKS_PER_SECOND)) / (r.requestsPerSecond * Number(values.duration)));
      results.get(variant)!.push(r.requestsPerSecond);
      p99s.get(variant)!.push(r.p99Ms);
      await stopServer(server);
    }
  }
  const bare = median(results.get("bare")!);
  console.log(`| parts added to a bare Bun.serve 302 | requests/s (median) | ratio to bare | p99 (median) | server CPU per request (median) |`);
  console.log(`| --- | --- | --- | --- | --- |`);
  for (const [variant, rates] of results) {
    console.log(`| ${variant} | ${Math.round(median(rates)).toLocaleString("en")} | ${(median(rates) / bare).toFixed(2)}× | ${median(p99s.get(variant)!).toFixed(2)} ms | ${median(cpu.get(variant)!).toFixed(2)} µs |`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
