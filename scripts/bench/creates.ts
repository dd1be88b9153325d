// A create-load client, run as its own process on the load core: CONCURRENCY loops each POST single
// links (title and description given, so kurz fetches no page) for SECONDS; prints a JSON summary.
// Usage: bun scripts/bench/creates.ts ORIGIN TOKEN SECONDS CONCURRENCY
const [server, token, secondsArg = "5", concurrencyArg = "16"] = Bun.argv.slice(2);
if (!server || !token) throw new Error("usage: creates.ts ORIGIN TOKEN SECONDS CONCURRENCY");
const seconds = Number(secondsArg);
const concurrency = Number(concurrencyArg);
const run = `${Date.now().toString(36)}${process.pid}`;

let created = 0;
let failed = 0;
let firstFailure = "";
const latencies: number[] = [];
const started = performance.now();
const end = started + seconds * 1000;

async function loop(worker: number): Promise<void> {
  for (let i = 0; performance.now() < end; i++) {
    const t0 = performance.now();
    const response = await fetch(`${server}/api/links/create`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({
        long_url: `https://www.example.com/blog/2026/11/created-${run}-${worker}-${i}-how-it-was-made`,
        title: `A page created by the bench, number ${i}`,
        description: "Given, so that kurz does not fetch the page for it.",
      }),
    });
    const text = await response.text();
    latencies.push(performance.now() - t0);
    if (response.status === 200) created++;
    else {
      failed++;
      firstFailure ||= `${response.status} ${text.slice(0, 300)}`;
    }
  }
}

await Promise.all(Array.from({ length: concurrency }, (_, w) => loop(w)));
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN;
console.log(JSON.stringify({ created, failed, firstFailure, seconds: elapsed, perSecond: created / elapsed, p50Ms: at(0.5), p99Ms: at(0.99) }));

export {}; // a module, for top-level await
