// Fetch a user-supplied URL without opening an SSRF hole (SPEC §5): kurz resolves every host itself,
// refuses non-public addresses, connects to the address it checked and follows redirects by hand.
//
// DNS pinning: the request goes to `http(s)://<checked ip>:<port>/…` with the real `Host` header, so
// no second lookup (DNS rebinding) can swap the address. For https, `tls.serverName` carries the real
// host name: Bun 1.4.5 sends it as SNI and verifies the certificate against it, not against the IP
// (checked by tests/metadata/safe-fetch-tls.test.ts: a valid certificate for good.test is accepted on
// https://good.test pinned to 127.0.0.1 and refused for https://evil.test pinned to the same address).
// So no window is left: Bun never resolves the name itself. An `HTTP(S)_PROXY` the operator sets is
// used by Bun's fetch, but the proxy is asked for the checked address (`GET http://<ip>/…`,
// `CONNECT <ip>:443`, seen on a raw socket), so the pinning holds through it.
import { version } from "../version";
import { isPublicAddress, normalizeAddress } from "./address";

export const DEFAULT_TIMEOUT_MS = 3000;
export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const DEFAULT_MAX_REDIRECTS = 5;
export const DEFAULT_USER_AGENT = `kurz/${version} (+link preview)`;

/** Resolves a host name to its addresses (IPv4 and/or IPv6, as strings). */
export type Lookup = (host: string) => Promise<string[]>;

export interface SafeFetchOptions {
  /** `--fetch-allow-private`: lifts the address rule (intranet installs, tests); every other rule stays. */
  allowPrivate: boolean;
  /** Which resolved addresses may be contacted; default `isPublicAddress`. Ignored when `allowPrivate`. */
  isAllowedAddress?: (ip: string) => boolean;
  /** Total budget for lookups, every hop and the body. Default 3000 ms. */
  timeoutMs?: number;
  /** Aborts the whole fetch early (e.g. a batch deadline). */
  signal?: AbortSignal;
  /** Bytes of body read at most; the rest is never downloaded. Default 1 MB. */
  maxBytes?: number;
  /** Redirects followed at most; one more is refused. Default 5. */
  maxRedirects?: number;
  /** Stop reading once `</head` has arrived: enough for metadata, spares the rest of the page. */
  stopAfterHead?: boolean;
  userAgent?: string;
  /** DNS resolution; default `Bun.dns.lookup`. Injectable for tests. */
  lookup?: Lookup;
  /** Extra trusted CA certificates (PEM) — replaces the default roots; for tests and private CAs. */
  ca?: string;
}

export interface FetchedPage {
  /** The URL that answered, after redirects. */
  url: string;
  status: number;
  headers: Headers;
  /** The Content-Type header as sent, "" when there was none. */
  contentType: string;
  /** The body of a 2xx HTML (`text/html`, `application/xhtml+xml`) answer, else null. */
  body: Uint8Array | null;
  /** True when the body stopped early: `maxBytes` reached, `stopAfterHead`, or the time ran out mid-body. */
  truncated: boolean;
}

/** Where to send one request so that it reaches the address that was checked. */
export interface PinnedTarget {
  /** The URL with the host replaced by the checked address. */
  fetchUrl: string;
  /** The original `Host` header value (host plus non-default port). */
  host: string;
  /** For https to a host name: the name to send as SNI and to verify the certificate against. */
  serverName: string | null;
  address: string;
}

const defaultLookup: Lookup = async (host) => (await Bun.dns.lookup(host)).map((entry) => entry.address);

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const HTML_TYPES = new Set(["text/html", "application/xhtml+xml"]);
// Connection failures on one address (e.g. no IPv6 route) move on to the next, this many at most.
const MAX_ADDRESSES_TRIED = 3;

function effectivePort(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

/**
 * Resolve `url`'s host and decide where to connect: null when the scheme is not http(s), when any
 * address the host resolves to is refused by `isAllowed`, or when it resolves to nothing. An IP
 * literal in the URL (in whatever spelling: the URL parser has made it canonical) is checked as is.
 */
export async function resolvePinnedTargets(
  url: URL,
  isAllowed: (ip: string) => boolean,
  lookup: Lookup,
  signal: AbortSignal,
): Promise<PinnedTarget[] | null> {
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  const hostname = url.hostname;
  if (!hostname) return null;
  const isIpv6Literal = hostname.startsWith("[") && hostname.endsWith("]");
  const literal = isIpv6Literal ? hostname.slice(1, -1) : /^[\d.]+$/.test(hostname) ? hostname : null;

  let resolved: string[];
  if (literal !== null) resolved = [literal];
  else resolved = await Promise.race([lookup(hostname), rejectOnAbort(signal)]);

  const addresses: string[] = [];
  for (const raw of resolved) {
    const address = normalizeAddress(raw);
    // One refused address refuses the host: an attacker's name may list a public and a private one.
    if (address === null || !isAllowed(address)) return null;
    if (!addresses.includes(address)) addresses.push(address);
  }
  if (addresses.length === 0) return null;

  const path = `${url.pathname}${url.search}`;
  const port = url.port ? `:${url.port}` : "";
  const serverName = url.protocol === "https:" && literal === null ? hostname.replace(/\.$/, "") : null;
  return addresses.map((address) => ({
    fetchUrl: `${url.protocol}//${address.includes(":") ? `[${address}]` : address}${port}${path}`,
    host: url.host,
    serverName,
    address,
  }));
}

async function fetchPinned(
  targets: PinnedTarget[],
  init: { userAgent: string; ca: string | undefined; signal: AbortSignal },
): Promise<Response> {
  let lastError: unknown = new Error("no address to connect to");
  for (const target of targets.slice(0, MAX_ADDRESSES_TRIED)) {
    const tls: { serverName?: string; ca?: string } = {};
    if (target.serverName) tls.serverName = target.serverName;
    if (init.ca) tls.ca = init.ca;
    try {
      return await fetch(target.fetchUrl, {
        method: "GET",
        redirect: "manual",
        signal: init.signal,
        headers: {
          host: target.host,
          "user-agent": init.userAgent,
          accept: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
        },
        tls,
      });
    } catch (error) {
      if (init.signal.aborted) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

function isHtml(contentType: string): boolean {
  const mediaType = contentType.split(";", 1)[0]?.trim().toLowerCase() ?? "";
  return HTML_TYPES.has(mediaType);
}

// Where `</head` ends in `chunk` (any letter case), or -1; `tail` carries the last bytes seen over to
// the next chunk, so a `</head` split across two chunks is found too.
function headEnd(tail: string, chunk: Uint8Array): { end: number; tail: string } {
  const text = tail + Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString("latin1");
  const match = /<\/head/i.exec(text);
  return { end: match ? match.index + 6 - tail.length : -1, tail: text.slice(-5) };
}

async function readBody(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
  stopAfterHead: boolean,
): Promise<{ bytes: Uint8Array; truncated: boolean } | null> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let truncated = false;
  let tail = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!value || value.byteLength === 0) continue;
      const room = maxBytes - total;
      const chunk = value.byteLength > room ? value.subarray(0, room) : value;
      chunks.push(chunk);
      total += chunk.byteLength;
      if (stopAfterHead) {
        const scan = headEnd(tail, chunk);
        const end = scan.end;
        if (end !== -1) {
          // Keep the head and the `>` that closes it; drop the body that came in the same chunk.
          const keep = Math.min(chunk.byteLength, end + 1);
          chunks[chunks.length - 1] = chunk.subarray(0, keep);
          total -= chunk.byteLength - keep;
          truncated = true;
          break;
        }
        tail = scan.tail;
      }
      if (total >= maxBytes) {
        truncated = true;
        break;
      }
    }
  } catch {
    // Time ran out mid-body: what arrived (usually the head) is still worth reading.
    if (total === 0) return null;
    truncated = true;
  } finally {
    reader.cancel().catch(() => {});
  }
  return { bytes: Buffer.concat(chunks, total), truncated };
}

/**
 * GET `url` under the SSRF rules: http(s) only; ports 80, 443 and the port the URL itself names; every
 * hop's host resolved by kurz and refused when any address is not allowed; the connection made to the
 * checked address; at most `maxRedirects` redirects, each checked the same way; one time budget for
 * everything; at most `maxBytes` of a 2xx HTML body. Any failure or refusal gives null; never throws.
 */
export async function safeFetch(url: string, options: SafeFetchOptions): Promise<FetchedPage | null> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  const lookup = options.lookup ?? defaultLookup;
  const isAllowed = options.allowPrivate ? () => true : (options.isAllowedAddress ?? isPublicAddress);
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;

  try {
    let current = new URL(url);
    // The user named this URL, so its own port is fair game; a redirect may not wander to other ports.
    const allowedPorts = new Set([80, 443, effectivePort(current)]);
    for (let hop = 0; ; hop++) {
      if (!allowedPorts.has(effectivePort(current))) return null;
      const targets = await resolvePinnedTargets(current, isAllowed, lookup, signal);
      if (!targets) return null;
      const response = await fetchPinned(targets, { userAgent, ca: options.ca, signal });

      const location = response.headers.get("location");
      if (REDIRECT_STATUSES.has(response.status) && location !== null) {
        response.body?.cancel().catch(() => {});
        if (hop >= maxRedirects) return null;
        current = new URL(location, current); // relative to the URL as the user sees it, not the IP
        current.hash = "";
        continue;
      }

      const contentType = response.headers.get("content-type") ?? "";
      const page: FetchedPage = { url: current.href, status: response.status, headers: response.headers, contentType, body: null, truncated: false };
      if (!response.ok || !isHtml(contentType) || !response.body) {
        response.body?.cancel().catch(() => {});
        return page;
      }
      const read = await readBody(response.body, maxBytes, options.stopAfterHead ?? false);
      if (!read) return null;
      page.body = read.bytes;
      page.truncated = read.truncated;
      return page;
    }
  } catch {
    return null;
  }
}
