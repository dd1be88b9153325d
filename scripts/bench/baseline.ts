// The yardstick for the redirect path: a bare Bun.serve that answers every request with the same 302.
// Usage: bun scripts/bench/baseline.ts PORT
const port = Number(Bun.argv[2] ?? 0);
const server = Bun.serve({
  hostname: "127.0.0.1",
  port,
  fetch: () => new Response(null, { status: 302, headers: { location: "https://www.example.com/" } }),
});
console.log(`baseline listening on http://127.0.0.1:${server.port}`);
process.on("SIGTERM", () => process.exit(0));

export {};
