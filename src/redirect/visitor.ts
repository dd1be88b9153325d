// Who is visiting: client address, country (geo.ts or a CDN header) and device type.
import Bowser from "bowser";
import { isbot } from "isbot";
import ipaddr from "ipaddr.js";
import { ClockCache } from "./cache";
import type { Geo } from "./geo";

export type Device = "phone" | "tablet" | "desktop" | "tv";

/** A canonical address (IPv4-mapped IPv6 as plain IPv4), or null for anything that is not an IP. */
export function normalizeIp(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const value = raw.trim();
  if (!ipaddr.isValid(value)) return null;
  return ipaddr.process(value).toString();
}

/** A test of whether an address is in any of `ranges` (addresses or CIDR ranges, as config checked them), or null for none. */
export function addressMatcher(ranges: string[]): ((ip: string | null) => boolean) | null {
  if (ranges.length === 0) return null;
  // A single address is the range of itself alone.
  const parsed = ranges.map((r): [ipaddr.IPv4 | ipaddr.IPv6, number] => {
    if (r.includes("/")) return ipaddr.parseCIDR(r);
    const address = ipaddr.process(r);
    return [address, address.kind() === "ipv4" ? 32 : 128];
  });
  return (ip) => {
    if (ip === null || !ipaddr.isValid(ip)) return false;
    const address = ipaddr.process(ip);
    return parsed.some((range) => range[0].kind() === address.kind() && address.match(range as [typeof address, number]));
  };
}

const cdnCountryHeaders = ["cf-ipcountry", "cloudfront-viewer-country", "x-vercel-ip-country", "x-appengine-country"];

export interface VisitorSource {
  headers: Headers;
  socketIp: string | null;
  trustProxy: boolean;
}

/**
 * The client address a trusted proxy reports, or null. Each proxy appends the address it was called
 * from to X-Forwarded-For, and whatever the client sent comes first: so the list is read from the
 * right, past the proxies' own internal addresses (private, loopback, link-local…), and the first
 * public address is the client's (the last entry when none is public). A client cannot choose its
 * address (for the guess limits) by sending the header itself. CF-Connecting-IP counts only without
 * X-Forwarded-For (Cloudflare sends both). Raw: the caller checks it.
 */
export function forwardedIp(headers: Headers): string | null {
  const chain = headers.get("x-forwarded-for");
  if (!chain) return headers.get("cf-connecting-ip");
  if (!chain.includes(",")) return chain;
  const entries = chain.split(",");
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i]!.trim();
    if (ipaddr.isValid(entry) && ipaddr.process(entry).range() === "unicast") return entry;
  }
  return entries.at(-1)!.trim() || null;
}

/** The forwarded address when it is one, else the socket's; canonical, or null. */
export function pickClientIp(forwarded: string | null, socketIp: string | null): string | null {
  return normalizeIp(forwarded) ?? normalizeIp(socketIp);
}

export function clientIp({ headers, socketIp, trustProxy }: VisitorSource): string | null {
  return pickClientIp(trustProxy ? forwardedIp(headers) : null, socketIp);
}

/** What tells a request's socket address: Bun's server, as Elysia hands it to a handler. */
export type AddressSource = { requestIP(r: Request): { address: string } | null } | null;

/** clientIp of a request as a handler has it (`server` from Elysia's context). */
export function requestClientIp(request: Request, server: unknown, trustProxy: boolean): string | null {
  return clientIp({ headers: request.headers, socketIp: (server as AddressSource)?.requestIP(request)?.address ?? null, trustProxy });
}

/** The country a trusted CDN put in a header (XX = unknown and T1 = Tor name none). */
export function cdnCountry(headers: Headers): string | null {
  for (const name of cdnCountryHeaders) {
    const code = headers.get(name)?.trim().toLowerCase();
    if (code && /^[a-z]{2}$/.test(code) && code !== "xx" && code !== "t1") return code;
  }
  return null;
}

export function visitorCountry(source: VisitorSource, geo: Geo): string | null {
  return (source.trustProxy ? cdnCountry(source.headers) : null) ?? geo.country(clientIp(source));
}

const platformToDevice: Record<string, Device> = { mobile: "phone", tablet: "tablet", desktop: "desktop", tv: "tv" };

export interface Agent {
  device: Device | null;
  browser: string | null;
  os: string | null;
  bot: boolean;
}

// Every browser names itself; a request that does not is a script or a tool, counted with the bots.
const noAgent: Agent = { device: null, browser: null, os: null, bot: true };
const tvAgent = /\bAFT[A-Z0-9]{1,6}\b|Android ?TV|GoogleTV|\bCrKey\b|BRAVIA|SMART-?TV|SmartTV|Apple ?TV|\bHbbTV\b|\bRoku\b|Web0S|Tizen[^;)]*TV/i;
/** The longest header kept as a cache key (User-Agent, Referer). */
export const MAX_KEY = 512;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
/**
 * A header as a cache key: cut to MAX_KEY characters, and then copied, since a cut string keeps the
 * whole header it was cut from alive (16 KB each, in Bun) as long as the key is kept.
 */
export function cutKey(header: string): string {
  return header.length > MAX_KEY ? decoder.decode(encoder.encode(header.slice(0, MAX_KEY))) : header;
}
// bowser costs ~6 µs a parse; the same few agents make most visits.
const agents = new ClockCache<Agent>(5000);
// One object for each different reading, however many User-Agent strings give it (a few hundred at
// most: bowser names only the browsers and systems it knows), so that what is keyed by the agent (the
// click recorder's visitor profiles) is shared by every string that reads the same.
const readings = new Map<string, Agent>();
function sameReading(agent: Agent): Agent {
  const key = `${agent.device}|${agent.browser}|${agent.os}|${agent.bot}`;
  const known = readings.get(key);
  if (known) return known;
  if (readings.size >= 10_000) readings.clear();
  readings.set(key, agent);
  return agent;
}

/**
 * What bowser and isbot read from a User-Agent (none at all: a bot); a bot has no device type, so device
 * rules never match it.
 */
export function agentOf(userAgent: string | null): Agent {
  if (!userAgent) return noAgent;
  // What names an agent fits in 512 characters; a longer header (any client can send 16 KB) is cut
  // before it becomes a key that the cache keeps.
  userAgent = cutKey(userAgent);
  let agent = agents.get(userAgent);
  if (agent === undefined) {
    const parser = Bowser.getParser(userAgent);
    // bowser takes most Android-based TVs (Fire TV, Google TV, Bravia) for phones or tablets, and isbot
    // takes an Apple TV for a bot; they name themselves as TVs.
    const platform = tvAgent.test(userAgent) ? "tv" : parser.getPlatformType(true);
    const bot = platform !== "tv" && (platform === "bot" || isbot(userAgent));
    agent = sameReading({
      device: bot ? null : platformToDevice[platform] ?? null,
      browser: parser.getBrowserName() || null,
      os: parser.getOSName() || null,
      bot,
    });
    agents.set(userAgent, agent);
  }
  return agent;
}

export function deviceOf(userAgent: string | null): Device | null {
  return agentOf(userAgent).device;
}

/** The host a visitor came from, without path or query (those may hold personal data). */
export function referrerHost(referrer: string | null): string | null {
  if (!referrer) return null;
  try {
    const host = new URL(referrer).hostname;
    return host ? host.slice(0, 255) : null;
  } catch {
    return null;
  }
}
