// Settings for a running kurz: flags win over environment, environment over defaults; checked once.
import ipaddr from "ipaddr.js";
import { checkDestination } from "./links/url";

/** How a short link redirects: 302 (temporary) by default; 301/308 tell search engines the destination is the lasting address. */
export const REDIRECT_STATUSES = [301, 302, 307, 308] as const;
export type RedirectStatus = (typeof REDIRECT_STATUSES)[number];

export interface Config {
  port: number;
  host: string;
  db: string;
  baseUrl: string;
  trustProxy: boolean;
  fetchAllowPrivate: boolean;
  slugLength: number;
  apiRateLimit: number;
  geoipDb: string | null;
  redirectStatus: RedirectStatus;
  /** Whether /<slug>/more/path sends visitors to the destination with /more/path appended to its path. */
  appendExtraPath: boolean;
  /** A query parameter that makes a visit uncounted (taken out of what the destination gets), or null. */
  disableTrackParam: string | null;
  /** Addresses and CIDR ranges whose visits are not counted (one's own office, monitoring). */
  disableTrackingFrom: string[];
  /** Where a visit to a host's root goes (null: the not-found redirect, else the 404 page). */
  rootRedirect: string | null;
  /** Where a visit to a path that names no link goes (null: the 404 page); a custom domain's not_found_url wins. */
  notFoundRedirect: string | null;
  adminEmail: string | null;
  adminPassword: string | null;
}

export class ConfigError extends Error {}

/** The flags every command accepts, with the environment variable each one falls back to. */
export const configOptions = {
  port: { flag: "port", env: "PORT", type: "string" },
  host: { flag: "host", env: "HOST", type: "string" },
  db: { flag: "db", env: "KURZ_DB", type: "string" },
  baseUrl: { flag: "base-url", env: "KURZ_BASE_URL", type: "string" },
  trustProxy: { flag: "trust-proxy", env: "KURZ_TRUST_PROXY", type: "boolean" },
  fetchAllowPrivate: { flag: "fetch-allow-private", env: "KURZ_FETCH_ALLOW_PRIVATE", type: "boolean" },
  slugLength: { flag: "slug-length", env: "KURZ_SLUG_LENGTH", type: "string" },
  apiRateLimit: { flag: "api-rate-limit", env: "KURZ_API_RATE_LIMIT", type: "string" },
  geoipDb: { flag: "geoip-db", env: "KURZ_GEOIP_DB", type: "string" },
  redirectStatus: { flag: "redirect-status", env: "KURZ_REDIRECT_STATUS", type: "string" },
  appendExtraPath: { flag: "append-extra-path", env: "KURZ_APPEND_EXTRA_PATH", type: "boolean" },
  disableTrackParam: { flag: "disable-track-param", env: "KURZ_DISABLE_TRACK_PARAM", type: "string" },
  disableTrackingFrom: { flag: "disable-tracking-from", env: "KURZ_DISABLE_TRACKING_FROM", type: "string" },
  rootRedirect: { flag: "root-redirect", env: "KURZ_ROOT_REDIRECT", type: "string" },
  notFoundRedirect: { flag: "not-found-redirect", env: "KURZ_NOT_FOUND_REDIRECT", type: "string" },
} as const;

export type ConfigFlags = Partial<Record<string, string | boolean | undefined>>;
type Env = Record<string, string | undefined>;

function pick(flags: ConfigFlags, env: Env, key: keyof typeof configOptions): string | boolean | undefined {
  const option = configOptions[key];
  const fromFlag = flags[option.flag];
  if (fromFlag !== undefined) return fromFlag;
  const fromEnv = env[option.env];
  return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv;
}

function integer(value: string | boolean | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== "string" || !/^\d+$/.test(value.trim()) || n < min || n > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${String(value)}"`);
  }
  return n;
}

function flag(value: string | boolean | undefined, name: string): boolean {
  if (value === undefined) return false;
  if (typeof value === "boolean") return value;
  const v = value.trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(v)) return true;
  if (["0", "false", "no", "off", ""].includes(v)) return false;
  throw new ConfigError(`${name} must be true or false, got "${value}"`);
}

function text(value: string | boolean | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function redirectStatus(value: string | boolean | undefined): RedirectStatus {
  if (value === undefined) return 302;
  const status = REDIRECT_STATUSES.find((s) => typeof value === "string" && value.trim() === String(s));
  if (status === undefined) throw new ConfigError(`--redirect-status / KURZ_REDIRECT_STATUS must be one of ${REDIRECT_STATUSES.join(", ")}, got "${String(value)}"`);
  return status;
}

function parameterName(value: string | boolean | undefined): string | null {
  const name = text(value)?.trim();
  if (name === undefined) return null;
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) {
    throw new ConfigError(`--disable-track-param / KURZ_DISABLE_TRACK_PARAM must be a query parameter name of 1 to 64 letters, digits, _ . or -, got "${name}"`);
  }
  return name;
}

/** Addresses and CIDR ranges, separated by commas or spaces. */
function addressRanges(value: string | boolean | undefined): string[] {
  const list = (text(value) ?? "").split(/[\s,]+/).filter(Boolean);
  for (const range of list) {
    if (!isAddressOrRange(range)) {
      throw new ConfigError(`--disable-tracking-from / KURZ_DISABLE_TRACKING_FROM must list IP addresses or CIDR ranges (203.0.113.0/24, 2001:db8::/32), got "${range}"`);
    }
  }
  return list;
}

/** "203.0.113.7", "203.0.113.0/24", "2001:db8::/32": dotted quads only (ipaddr.js would take "10.0.0" too). */
function isAddressOrRange(value: string): boolean {
  const [address = "", bits, ...more] = value.split("/");
  if (more.length || !(ipaddr.IPv4.isValidFourPartDecimal(address) || ipaddr.IPv6.isValid(address))) return false;
  if (bits === undefined) return true;
  try {
    ipaddr.parseCIDR(value);
    return true;
  } catch {
    return false;
  }
}

/** An http(s) URL to send visitors to, or null when not given. */
function destination(value: string | boolean | undefined, name: string): string | null {
  const given = text(value);
  if (given === undefined) return null;
  const url = checkDestination(given);
  if (url === null) throw new ConfigError(`${name} must be an absolute http(s) URL, got "${given}"`);
  return url;
}

export function loadConfig(flags: ConfigFlags = {}, env: Env = process.env): Config {
  const port = integer(pick(flags, env, "port"), "--port / PORT", 8080, 0, 65535);
  const baseUrl = text(pick(flags, env, "baseUrl")) ?? `http://localhost:${port}`;
  const url = URL.parse(baseUrl);
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new ConfigError(`--base-url / KURZ_BASE_URL must be an http(s) URL, got "${baseUrl}"`);
  }
  // Short links live at the root of their host: a path would make short URLs that lead nowhere.
  if (url.pathname !== "/" || url.search || url.hash || url.username) {
    throw new ConfigError(`--base-url / KURZ_BASE_URL must be scheme://host[:port] without a path (short links are served at the host's root), got "${baseUrl}"`);
  }
  const origin = url.origin;
  return {
    port,
    host: text(pick(flags, env, "host")) ?? "0.0.0.0",
    db: text(pick(flags, env, "db")) ?? "./data/kurz.sqlite",
    baseUrl: origin,
    trustProxy: flag(pick(flags, env, "trustProxy"), "--trust-proxy / KURZ_TRUST_PROXY"),
    fetchAllowPrivate: flag(pick(flags, env, "fetchAllowPrivate"), "--fetch-allow-private / KURZ_FETCH_ALLOW_PRIVATE"),
    slugLength: integer(pick(flags, env, "slugLength"), "--slug-length / KURZ_SLUG_LENGTH", 6, 4, 32),
    apiRateLimit: integer(pick(flags, env, "apiRateLimit"), "--api-rate-limit / KURZ_API_RATE_LIMIT", 6000, 0, 10_000_000),
    geoipDb: text(pick(flags, env, "geoipDb")) ?? null,
    redirectStatus: redirectStatus(pick(flags, env, "redirectStatus")),
    appendExtraPath: flag(pick(flags, env, "appendExtraPath"), "--append-extra-path / KURZ_APPEND_EXTRA_PATH"),
    disableTrackParam: parameterName(pick(flags, env, "disableTrackParam")),
    disableTrackingFrom: addressRanges(pick(flags, env, "disableTrackingFrom")),
    rootRedirect: destination(pick(flags, env, "rootRedirect"), "--root-redirect / KURZ_ROOT_REDIRECT"),
    notFoundRedirect: destination(pick(flags, env, "notFoundRedirect"), "--not-found-redirect / KURZ_NOT_FOUND_REDIRECT"),
    adminEmail: env.KURZ_ADMIN_EMAIL || null,
    adminPassword: env.KURZ_ADMIN_PASSWORD || null,
  };
}
