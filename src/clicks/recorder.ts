// Records clicks without slowing redirects: a visit is counted in memory per hour, link and visitor
// profile (agent, country, referrer host: read once per distinct visitor and remembered), and every
// second the counts are appended to the database as one row (see store.ts). flush() on shutdown loses
// none; a kill -9 loses at most the last second.
import { GenerationCache } from "../redirect/cache";
import { agentOf, pickClientIp, referrerHost, type Agent, type Geo } from "../redirect/visitor";
import type { ClickCount, ClickStore } from "./store";

/** What a redirect hands over, unparsed; the raw IP lives only until the batch is written and is never stored. */
export interface Visit {
  linkId: number;
  at: number; // ms since the epoch
  userAgent: string | null;
  socketIp: string | null;
  forwardedIp: string | null; // from a trusted proxy's header, when there is one
  country: string | null; // from a trusted CDN header, when there is one
  referrer: string | null;
}

export interface ClickRecorder {
  record(visit: Visit): void;
  flush(): Promise<number>;
  /** Folds every batch written so far into the hourly counts (a fold otherwise waits for a quiet moment). */
  foldAll(): Promise<void>;
  /** Stops the timer and writes what is buffered. */
  close(): Promise<number>;
  pending(): number;
}

export function createClickRecorder(deps: {
  store: ClickStore;
  geo: Geo;
  log: (message: string, error?: unknown) => void;
  now?: () => Date;
  intervalMs?: number;
  /** Distinct counts (hour, link, profile) held before a flush comes early. */
  batchSize?: number;
  /** Distinct counts held at most while the database cannot be written. */
  maxBuffered?: number;
  /** Batches older than this are folded when redirects are quiet… */
  foldAfterMs?: number;
  /** …or at this age whatever the load. */
  foldByMs?: number;
  /** Below this many visits a second, redirects count as quiet. */
  quietRate?: number;
}): ClickRecorder {
  const now = deps.now ?? (() => new Date());
  const intervalMs = deps.intervalMs ?? 1000;
  const batchSize = deps.batchSize ?? 50_000;
  const maxBuffered = deps.maxBuffered ?? 500_000;
  const foldAfterMs = deps.foldAfterMs ?? 60_000;
  const foldByMs = deps.foldByMs ?? 10 * 60_000;
  const quietRate = deps.quietRate ?? 1_000;
  let writing: Promise<number> = Promise.resolve(0);
  let scheduled = false;
  let visitsSinceTick = 0;

  // A visit's profile from what it saw, each part remembered apart (the agent by agentOf): most visits
  // repeat a few agents, addresses and referrers, and short keys are cheap to look up.
  const countries = new GenerationCache<{ code: string | null }>(20_000);
  const referrers = new GenerationCache<{ host: string | null }>(5_000);
  const ids = new Map<Agent, Map<string, number>>();
  function profileOf(v: Visit): number {
    let country = v.country;
    if (country === null) {
      const address = v.forwardedIp === null ? v.socketIp ?? "" : `${v.forwardedIp} ${v.socketIp}`;
      let known = countries.get(address);
      if (known === undefined) countries.set(address, (known = { code: deps.geo.country(pickClientIp(v.forwardedIp, v.socketIp)) }));
      country = known.code;
    }
    let referrer: string | null = null;
    if (v.referrer !== null) {
      let known = referrers.get(v.referrer);
      if (known === undefined) referrers.set(v.referrer, (known = { host: referrerHost(v.referrer) }));
      referrer = known.host;
    }
    const agent = agentOf(v.userAgent);
    let byPlace = ids.get(agent);
    if (byPlace === undefined) {
      if (ids.size >= 5_000) ids.clear(); // agentOf's own cache made new objects meanwhile
      ids.set(agent, (byPlace = new Map()));
    }
    const place = referrer === null ? country ?? "" : `${country ?? ""} ${referrer}`;
    let id = byPlace.get(place);
    if (id === undefined) {
      id = deps.store.profileId({ country, device: agent.device, browser: agent.browser, os: agent.os, referrer, bot: agent.bot });
      if (byPlace.size >= 1_000) byPlace.clear();
      byPlace.set(place, id);
    }
    return id;
  }

  // This second's clicks, counted as they come by hour, then profile, then link (numbers as keys: no
  // string is built per visit); visits whose profile could not be read (the database was busy) wait as
  // they are for the next flush.
  let counts = new Map<number, Map<number, Map<number, number>>>();
  let distinct = 0;
  let counted = 0;
  let unread: Visit[] = [];

  function add(hour: number, profileId: number, linkId: number, clicks: number): void {
    let byProfile = counts.get(hour);
    if (byProfile === undefined) counts.set(hour, (byProfile = new Map()));
    let byLink = byProfile.get(profileId);
    if (byLink === undefined) byProfile.set(profileId, (byLink = new Map()));
    const before = byLink.get(linkId);
    if (before === undefined) distinct++;
    byLink.set(linkId, (before ?? 0) + clicks);
  }

  function count(v: Visit): boolean {
    let profileId: number;
    try {
      profileId = profileOf(v);
    } catch {
      return false;
    }
    add(Math.floor(v.at / 3_600_000), profileId, v.linkId, 1);
    counted++;
    return true;
  }

  async function writeBuffered(): Promise<number> {
    if (unread.length) unread = unread.filter((v) => !count(v));
    if (!counted) return 0;
    const rows: ClickCount[] = [];
    for (const [hour, byProfile] of counts) {
      for (const [profileId, byLink] of byProfile) {
        for (const [linkId, clicks] of byLink) rows.push({ hour, linkId, profileId, clicks });
      }
    }
    const visits = counted;
    counts = new Map();
    distinct = 0;
    counted = 0;
    try {
      deps.store.append(rows, now());
      return visits;
    } catch (error) {
      // Keep the clicks for the next attempt (a busy or briefly unavailable database).
      for (const c of rows) add(c.hour, c.profileId, c.linkId, c.clicks);
      counted += visits;
      deps.log("could not write clicks; will retry", error);
      return 0;
    }
  }

  const flush = (): Promise<number> => (writing = writing.then(writeBuffered, writeBuffered));

  /** Folds one group of batches when some are due and redirects are quiet (or they are overdue). */
  function foldIfDue(rate: number): void {
    const oldest = deps.store.oldestPending();
    if (!oldest) return;
    const age = now().getTime() - oldest.getTime();
    if (age >= foldByMs || (age >= foldAfterMs && rate < quietRate)) deps.store.fold();
  }

  const timer = setInterval(() => {
    const rate = (visitsSinceTick * 1000) / intervalMs;
    visitsSinceTick = 0;
    void flush().then(() => {
      try {
        foldIfDue(rate);
      } catch (error) {
        deps.log("could not fold clicks; will retry", error);
      }
    });
  }, intervalMs);
  timer.unref?.();

  return {
    record(visit) {
      // The database is down for long: shed load rather than memory.
      if (distinct >= maxBuffered || unread.length >= maxBuffered) return;
      visitsSinceTick++;
      if (!count(visit)) unread.push(visit);
      if (distinct >= batchSize && !scheduled) {
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          void flush();
        });
      }
    },
    flush,
    async foldAll() {
      await flush();
      while (deps.store.fold().batches) { /* until none is left */ }
    },
    async close() {
      clearInterval(timer);
      return flush();
    },
    pending: () => counted + unread.length,
  };
}
