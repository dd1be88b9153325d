// A bare Bun.serve 302 plus chosen parts of what a redirect must do, to price each part on its own.
// Usage: bun scripts/bench/floor-server.ts PORT SLUG_FILE PARTS   (PARTS: comma-separated, or "bare")
//   lookup  the slug from the URL and a Map lookup over the file's slugs (what a cache hit costs)
//   url     request.url read (what the slug is cut from)
//   ip      server.requestIP (the client address, for the country of a click)
//   headers Host, User-Agent and Referer read from the request
//   nostore a second response header (Cache-Control: private, no-store)
//   count   a counter per slug (the least a click can cost)
//   route   the handler as a "/:slug" route of Bun's router instead of fetch
//   spread  the response headers built with an object spread (as a helper with extra headers would)
//   hdrobj  the response made with a Headers object built once per link (Bun copies it)
//   clone   a Response built once per link, answered as its clone()
//   redirect Response.redirect(location, 302) (no Cache-Control)
const [port, slugFile, partList] = Bun.argv.slice(2);
const parts = new Set(partList!.split(","));
const links = new Map<string, { id: number; location: string; headers: Headers; response: Response }>();
(await Bun.file(slugFile!).text()).trim().split("\n").forEach((slug, i) => {
  const location = `https://www.example.com/blog/2026/11/plain-${i}-how-it-was-made`;
  const headers = new Headers({ location, "cache-control": "private, no-store" });
  links.set(slug, { id: i, location, headers, response: new Response(null, { status: 302, headers }) });
});
const counts = new Map<number, number>();
let sink = 0;

const extra: Record<string, string> = {};
function handle(request: Request, server: { requestIP(r: Request): { address: string } | null }): Response {
  {
    let location = "https://www.example.com/";
    let found: { headers: Headers; response: Response } | undefined;
    if (parts.has("url")) sink += request.url.length;
    if (parts.has("ip")) sink += server.requestIP(request)?.address.length ?? 0;
    if (parts.has("headers")) {
      const h = request.headers;
      sink += (h.get("host")?.length ?? 0) + (h.get("user-agent")?.length ?? 0) + (h.get("referer")?.length ?? 0);
    }
    if (parts.has("lookup")) {
      const url = request.url;
      const start = url.indexOf("/", url.indexOf("//") + 2) + 1;
      const query = url.indexOf("?", start);
      const link = links.get(query === -1 ? url.slice(start) : url.slice(start, query));
      if (link) {
        location = link.location;
        found = link;
        if (parts.has("count")) counts.set(link.id, (counts.get(link.id) ?? 0) + 1);
      }
    }
    if (found && parts.has("clone")) return found.response.clone();
    if (found && parts.has("hdrobj")) return new Response(null, { status: 302, headers: found.headers });
    if (parts.has("redirect")) return Response.redirect(location, 302);
    const headers: Record<string, string> = parts.has("spread")
      ? { location, "cache-control": "private, no-store", ...extra }
      : parts.has("nostore") ? { location, "cache-control": "private, no-store" } : { location };
    return new Response(null, { status: 302, headers });
  }
}

Bun.serve({
  hostname: "127.0.0.1",
  port: Number(port),
  reusePort: false,
  development: false,
  ...(parts.has("route") ? { routes: { "/:slug": { GET: handle } } } : {}),
  fetch: handle,
});
console.log(`floor server (${partList}) on ${port}`);
process.on("SIGTERM", () => process.exit(sink < 0 ? 1 : 0));
export {};
