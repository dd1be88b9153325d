// Local pages for the metadata tests: a Bun.serve on 127.0.0.1 that counts every request it sees.
import type { Server } from "bun";

export type Route = (request: Request) => Response | Promise<Response>;

export interface Fixture {
  server: Server<undefined>;
  port: number;
  /** Every request as `path?query`, in arrival order. */
  hits: string[];
  /** The Host header of every request. */
  hosts: string[];
  url(path: string): string;
  stop(): void;
}

export function startFixture(
  routes: Record<string, Route>,
  options: { hostname?: string; port?: number; tls?: { cert: string; key: string } } = {},
): Fixture {
  const hits: string[] = [];
  const hosts: string[] = [];
  const hostname = options.hostname ?? "127.0.0.1";
  const server = Bun.serve({
    hostname,
    port: options.port ?? 0,
    tls: options.tls,
    idleTimeout: 0,
    fetch(request) {
      const url = new URL(request.url);
      hits.push(url.pathname + url.search);
      hosts.push(request.headers.get("host") ?? "");
      const route = routes[url.pathname];
      return route ? route(request) : html("<title>Not found here</title>", 404);
    },
  });
  const port = server.port!;
  const scheme = options.tls ? "https" : "http";
  return {
    server,
    port,
    hits,
    hosts,
    url: (path) => `${scheme}://${hostname}:${port}${path}`,
    stop: () => void server.stop(true),
  };
}

export function html(body: string | Uint8Array<ArrayBuffer>, status = 200, contentType = "text/html; charset=utf-8"): Response {
  return new Response(body, { status, headers: { "content-type": contentType } });
}

export function redirect(location: string, status = 302): Response {
  return new Response(null, { status, headers: { location } });
}

/** An answer that never comes. */
export const never: Route = () => new Promise<Response>(() => {});

/** An HTML answer that starts with `head` and then streams filler forever. */
export function endless(head: string): Route {
  return () => {
    const filler = new TextEncoder().encode(`<p>${"lorem ipsum ".repeat(5000)}</p>\n`);
    let sentHead = false;
    return new Response(
      new ReadableStream<Uint8Array>({
        pull(controller) {
          if (!sentHead) {
            sentHead = true;
            controller.enqueue(new TextEncoder().encode(head));
          } else controller.enqueue(filler);
        },
      }),
      { headers: { "content-type": "text/html" } },
    );
  };
}

/** An HTML answer that sends `head` and then stalls forever. */
export function stalls(head: string): Route {
  return () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(head));
        },
        pull: () => new Promise<void>(() => {}),
      }),
      { headers: { "content-type": "text/html" } },
    );
}

export function latin1(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}
