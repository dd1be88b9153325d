// Summarises a .cpuprofile (bun --cpu-prof): self and total time by function, and self time by where the
// code lives (kurz's src/, each package, Bun's built-ins). Idle time is left out of the shares.
// Usage: bun scripts/bench/cpuprofile-top.ts FILE.cpuprofile [--top 25]
import { readFileSync } from "node:fs";

interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

export interface FrameTime { frame: string; where: string; selfMs: number; totalMs: number }
export interface ProfileSummary { busyMs: number; idleMs: number; frames: FrameTime[]; byPlace: { where: string; selfMs: number }[] }

const IDLE = new Set(["(idle)", "(program)"]);

/** Where a frame's code lives: "src/redirect/routes.ts", "elysia", "bun:internal", "(garbage collector)". */
function place(frame: CallFrame): string {
  const url = frame.url;
  if (!url) return frame.functionName.startsWith("(") ? frame.functionName : "native";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const src = /\/((?:src|scripts)\/.*)$/.exec(url);
  if (src) return src[1]!;
  return url.startsWith("node:") || url.startsWith("bun:") || url.includes("internal") ? "bun built-ins" : url.replace(/^.*\//, "");
}

export function summarise(profile: Profile): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (f: CallFrame) => `${f.functionName || "(anonymous)"}  ${place(f)}${f.url ? `:${f.lineNumber + 1}` : ""}`;

  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const where = new Map<string, string>();
  const placeSelf = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000; // µs → ms; a delta belongs to the sample before it
    const node = byId.get(id);
    if (!node) return;
    if (IDLE.has(node.callFrame.functionName)) {
      idle += dt;
      return;
    }
    busy += dt;
    const k = key(node.callFrame);
    where.set(k, place(node.callFrame));
    self.set(k, (self.get(k) ?? 0) + dt);
    const p = place(node.callFrame);
    placeSelf.set(p, (placeSelf.get(p) ?? 0) + dt);
    const seen = new Set<string>(); // recursion counts once
    for (let n: ProfileNode | undefined = node; n; n = byId.get(parent.get(n.id) ?? -1)) {
      const nk = key(n.callFrame);
      if (n.callFrame.functionName === "(root)" || seen.has(nk)) continue;
      seen.add(nk);
      total.set(nk, (total.get(nk) ?? 0) + dt);
    }
  });
  const frames = [...total.keys()].map((k) => ({ frame: k, where: where.get(k) ?? "", selfMs: self.get(k) ?? 0, totalMs: total.get(k) ?? 0 }));
  const byPlace = [...placeSelf].map(([w, ms]) => ({ where: w, selfMs: ms })).sort((a, b) => b.selfMs - a.selfMs);
  return { busyMs: busy, idleMs: idle, frames, byPlace };
}

export function render(s: ProfileSummary, top = 25): string {
  const pct = (ms: number) => `${((100 * ms) / s.busyMs).toFixed(1).padStart(5)}%`;
  const lines = [`busy ${(s.busyMs / 1000).toFixed(2)} s, idle ${(s.idleMs / 1000).toFixed(2)} s; shares are of busy time`, "", "self time, top frames:"];
  for (const f of [...s.frames].sort((a, b) => b.selfMs - a.selfMs).slice(0, top)) lines.push(`  ${pct(f.selfMs)}  ${f.frame}`);
  lines.push("", "total time (self + callees), top frames:");
  for (const f of [...s.frames].sort((a, b) => b.totalMs - a.totalMs).slice(0, top)) lines.push(`  ${pct(f.totalMs)}  ${f.frame}`);
  lines.push("", "self time by place:");
  for (const p of s.byPlace.slice(0, 15)) lines.push(`  ${pct(p.selfMs)}  ${p.where}`);
  return lines.join("\n");
}

if (import.meta.main) {
  const [file, ...rest] = Bun.argv.slice(2);
  if (!file) throw new Error("usage: cpuprofile-top.ts FILE.cpuprofile [--top N]");
  const top = rest[0] === "--top" ? Number(rest[1]) : 25;
  console.log(render(summarise(JSON.parse(readFileSync(file, "utf8")) as Profile), top));
}
