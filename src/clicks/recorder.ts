// Records clicks without slowing redirects: a visit becomes an entry (hour, link, visitor profile) in
// memory, the profile (agent, country, referrer host) read once per distinct visitor and remembered,
// and every second the entries are appended to the database as one row (see store.ts), with the
// profiles seen for the first time. A redirect never touches the database. flush() on shutdown loses
// none; a kill -9 loses at most the last second.
import { ClockCache, HashedSlots } from "../redirect/cache";
import type { Geo } from "../redirect/geo";
import { agentOf, cutKey, pickClientIp, referrerHost, type Agent } from "../redirect/visitor";
import { profileKey, ROW_ENTRIES, type ClickStore, type Profile } from "./store";

/** What a redirect hands over, unparsed; the raw IP is only read for the country and never stored. */
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
  /** Notes a request answered, click or not (a password form, a 404, an API call): folding waits while they come fast. */
  served(): void;
  flush(): Promise<number>;
  /** Folds every batch written so far into the hourly counts (a fold otherwise waits for a quiet moment). */
  foldAll(): Promise<void>;
  /** Stops the timer and writes what is buffered. */
  close(): Promise<number>;
  pending(): number;
  /** Whether the last attempt to write clicks failed (and some are held for the next). */
  failing(): boolean;
}

export function createClickRecorder(deps: {
  store: ClickStore;
  geo: Geo;
  log: (message: string, error?: unknown) => void;
  now?: () => Date;
  intervalMs?: number;
  /** Clicks held before a flush comes early. */
  batchSize?: number;
  /** Clicks held at most while the database cannot be written (16 bytes each). */
  maxBuffered?: number;
  /** Visitor profiles not stored yet held at most while the database cannot be written (see wait()). */
  maxWaiting?: number;
  /** Batches older than this are folded when redirects are quiet… */
  foldAfterMs?: number;
  /** …or at this age whatever the load. */
  foldByMs?: number;
  /** Below this many requests a second, the server counts as quiet. */
  quietRate?: number;
}): ClickRecorder {
  const now = deps.now ?? (() => new Date());
  const intervalMs = deps.intervalMs ?? 1000;
  const batchSize = deps.batchSize ?? 50_000;
  const maxBuffered = deps.maxBuffered ?? 2_000_000;
  const maxWaiting = deps.maxWaiting ?? 10_000;
  const foldAfterMs = deps.foldAfterMs ?? 60_000;
  const foldByMs = deps.foldByMs ?? 10 * 60_000;
  const quietRate = deps.quietRate ?? 1_000;
  let writing: Promise<number> = Promise.resolve(0);
  let scheduled = false;
  let visitsSinceTick = 0;
  let requestsSinceTick = 0;

  // A visit's profile from what it saw, each part remembered apart (the agent by agentOf): most visits
  // repeat a few agents, addresses and referrers, and short keys are cheap to look up. Addresses are
  // many (every visitor has one): their countries are kept off the heap, by the addresses' hashes, as
  // an index into the codes seen (~250 at most).
  const countries = new HashedSlots(1 << 17);
  const codes: (string | null)[] = [null];
  const codeAt = new Map<string, number>();
  const countryIndex = (code: string | null): number => {
    if (code === null) return 0;
    let at = codeAt.get(code);
    if (at === undefined) codeAt.set(code, (at = codes.push(code) - 1));
    return at;
  };
  const referrers = new ClockCache<{ host: string | null }>(5_000);
  // Profile ids by agent, then country, then referrer host ("" for none).
  const ids = new Map<Agent, Map<string, Map<string, number>>>();
  function knownIds(agent: Agent, country: string | null): Map<string, number> {
    let byCountry = ids.get(agent);
    if (byCountry === undefined) {
      if (ids.size >= 5_000) ids.clear(); // agentOf's own cache made new objects meanwhile
      ids.set(agent, (byCountry = new Map()));
    }
    let byReferrer = byCountry.get(country ?? "");
    if (byReferrer === undefined) byCountry.set(country ?? "", (byReferrer = new Map()));
    return byReferrer;
  }

  // What read() found of the last visit: three results, without an object for the collector each visit.
  let seenAgent: Agent;
  let seenCountry: string | null = null;
  let seenReferrer: string | null = null;
  /** What a visit tells of its visitor, from memory: the agent, country and referrer host. */
  function read(v: Visit): void {
    let country = v.country;
    if (country === null) {
      const address = v.socketIp ?? "";
      let at = countries.get(address, v.forwardedIp ?? undefined);
      if (at === undefined) countries.set(address, (at = countryIndex(deps.geo.country(pickClientIp(v.forwardedIp, v.socketIp)))), v.forwardedIp ?? undefined);
      country = codes[at]!;
    }
    let referrer: string | null = null;
    if (v.referrer !== null) {
      // Cut like agents (visitor.ts): the host is at the start, and a long header must not be a kept key.
      const key = cutKey(v.referrer);
      let known = referrers.get(key);
      if (known === undefined) referrers.set(key, (known = { host: referrerHost(key) }));
      referrer = known.host;
    }
    seenAgent = agentOf(v.userAgent);
    seenCountry = country;
    seenReferrer = referrer;
  }

  // This second's clicks as they come, each an entry of click_batches' format (hour, link, profile,
  // clicks) in a growing array: a visit of a known profile costs three stores, and a flush writes the
  // filled part as it is.
  let entries = new Uint32Array(4 * 1024);
  let used = 0;
  function push(hour: number, linkId: number, profileId: number, clicks: number): void {
    if (used * 4 === entries.length) {
      const bigger = new Uint32Array(entries.length * 2);
      bigger.set(entries);
      entries = bigger;
    }
    const at = used * 4;
    entries[at] = hour;
    entries[at + 1] = linkId;
    entries[at + 2] = profileId;
    entries[at + 3] = clicks;
    used++;
  }

  // Clicks of visitor profiles not stored yet, counted by hour and link until the next flush stores the
  // profiles, all in one transaction: a redirect never writes to the database, and a thousand new
  // referrers a second cost one commit, not a thousand. While the database fails they wait here, at most
  // maxWaiting profiles and maxWaiting × 10 (hour, link) counts; beyond that clicks are dropped.
  interface Waiting { agent: Agent; profile: Profile; counts: Map<number, number> }
  const waiting = new Map<string, Waiting>();
  let waitingCounts = 0;
  let waitingClicks = 0;
  let dropped = 0;
  function wait(agent: Agent, country: string | null, referrer: string | null, hour: number, linkId: number): void {
    const profile: Profile = { country, device: agent.device, browser: agent.browser, os: agent.os, referrer, bot: agent.bot };
    const key = profileKey(profile);
    let w = waiting.get(key);
    if (w === undefined) {
      if (waiting.size >= maxWaiting) {
        dropped++;
        return;
      }
      waiting.set(key, (w = { agent, profile, counts: new Map() }));
    }
    const pair = hour * 2 ** 32 + linkId;
    const before = w.counts.get(pair);
    if (before === undefined) {
      if (waitingCounts >= maxWaiting * 10) {
        dropped++;
        return;
      }
      waitingCounts++;
    }
    w.counts.set(pair, (before ?? 0) + 1);
    waitingClicks++;
  }

  /** Stores the waiting profiles (one transaction) and moves their clicks among this flush's entries. */
  function storeWaiting(): void {
    if (waiting.size === 0) return;
    const list = [...waiting.values()];
    const stored = deps.store.profileIds(list.map((w) => w.profile));
    list.forEach((w, i) => {
      const id = stored[i]!;
      const known = knownIds(w.agent, w.profile.country);
      if (known.size >= 1_000) known.clear();
      known.set(w.profile.referrer ?? "", id);
      for (const [pair, clicks] of w.counts) push(Math.floor(pair / 2 ** 32), pair % 2 ** 32, id, clicks);
    });
    waiting.clear();
    waitingCounts = 0;
    waitingClicks = 0;
  }

  // Failures are logged when they start and then at most once a minute each; a recovery once.
  const loggedAt = new Map<string, number>();
  function logSometimes(what: string, message: string, error: unknown): void {
    if (performance.now() - (loggedAt.get(what) ?? -Infinity) < 60_000) return;
    loggedAt.set(what, performance.now());
    deps.log(message, error);
  }
  let failing = false;
  function failed(error: unknown): void {
    failing = true;
    logSometimes("write", `could not write clicks; will retry (${used + waitingClicks} held${dropped ? `, ${dropped} dropped` : ""})`, error);
  }
  function recovered(): void {
    if (!failing) return;
    failing = false;
    loggedAt.delete("write");
    deps.log(`clicks are written again${dropped ? ` (${dropped} could not be held meanwhile and are lost)` : ""}`);
    dropped = 0;
  }

  function count(v: Visit): void {
    const hour = Math.floor(v.at / 3_600_000);
    read(v);
    const id = knownIds(seenAgent, seenCountry).get(seenReferrer ?? "");
    if (id === undefined) wait(seenAgent, seenCountry, seenReferrer, hour, v.linkId);
    else push(hour, v.linkId, id, 1);
  }

  async function writeBuffered(): Promise<number> {
    try {
      storeWaiting();
    } catch (error) {
      failed(error); // the profiles wait for the next flush, their clicks with them
    }
    if (!used) {
      if (!waiting.size) recovered();
      return 0;
    }
    try {
      deps.store.append(new Uint8Array(entries.buffer, 0, used * 16), now());
    } catch (error) {
      // Kept for the next attempt (a busy or briefly unavailable database).
      failed(error);
      return 0;
    }
    let visits = 0;
    for (let at = 3; at < used * 4; at += 4) visits += entries[at]!;
    const rows = used;
    used = 0;
    if (!waiting.size) recovered();
    // The array is kept for the next second's clicks; after a burst it shrinks step by step.
    if (entries.length > 4 * 4096 && rows * 4 * 4 < entries.length) entries = new Uint32Array(entries.length / 2);
    return visits;
  }

  const flush = (): Promise<number> => (writing = writing.then(writeBuffered, writeBuffered));

  // Folding, in steps of at most one batch row (ROW_ENTRIES) with requests served between them: while
  // the server is quiet, as many steps as fit in a quarter of each interval; when batches are overdue
  // under load, as many as the interval's clicks filled rows and one more, so that the backlog shrinks
  // instead of growing with the load, within a tenth of the interval. A step of 2,000 clicks over as
  // many links takes ~14 ms, so that is ~14,000 such clicks a second; clicks on fewer links (a campaign,
  // a viral link) share counts and fold faster.
  let folding = false;
  async function foldIfDue(visits: number, requests: number): Promise<void> {
    if (folding) return;
    const oldest = deps.store.oldestPending();
    if (!oldest) return;
    const age = now().getTime() - oldest.getTime();
    const quiet = age >= foldAfterMs && (Math.max(visits, requests) * 1000) / intervalMs < quietRate;
    if (!quiet && age < foldByMs) return;
    folding = true;
    try {
      const started = performance.now();
      const until = started + intervalMs / (quiet ? 4 : 10);
      let steps = quiet ? Infinity : Math.ceil(visits / ROW_ENTRIES) + 1;
      const seenBefore = Math.max(visitsSinceTick, requestsSinceTick);
      // Quiet folding stops at once when requests come in between its steps: load that starts within
      // the interval does not wait for its end.
      const busyNow = () => ((Math.max(visitsSinceTick, requestsSinceTick) - seenBefore) * 1000) / (performance.now() - started) >= quietRate;
      do {
        if (!deps.store.fold().batches) break;
        await new Promise((resolve) => setImmediate(resolve));
      } while (--steps > 0 && performance.now() < until && !(quiet && busyNow()));
    } finally {
      folding = false;
    }
  }

  const timer = setInterval(() => {
    const visits = visitsSinceTick;
    const requests = requestsSinceTick;
    visitsSinceTick = 0;
    requestsSinceTick = 0;
    void flush()
      .then(() => foldIfDue(visits, requests))
      .catch((error) => logSometimes("fold", "could not fold clicks; will retry", error));
  }, intervalMs);
  timer.unref?.();

  return {
    record(visit) {
      // The database is down for long: shed load rather than memory.
      if (used >= maxBuffered) {
        dropped++;
        return;
      }
      visitsSinceTick++;
      try {
        count(visit);
      } catch (error) {
        // A visit that cannot be read is not counted; the redirect goes on.
        dropped++;
        logSometimes("count", "could not count a click", error);
      }
      // Early flushes are for a burst; while writes fail, the timer's retry once a second is enough.
      if (used + waitingCounts >= batchSize && !scheduled && !failing) {
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          void flush();
        });
      }
    },
    served() {
      requestsSinceTick++;
    },
    flush,
    async foldAll() {
      await flush();
      while (deps.store.fold().batches) { /* until none is left */ }
    },
    async close() {
      clearInterval(timer);
      const written = await flush();
      const lost = used + waitingClicks + dropped;
      if (lost) deps.log(`${lost} clicks could not be written and are lost`);
      return written;
    },
    pending: () => used + waitingClicks,
    failing: () => failing,
  };
}
