// All SQL about clicks. Clicks arrive as entries (hour, link, visitor profile, clicks). Each flush
// appends its entries as one packed row to click_batches: one insert a second and no index to update
// per click, whatever the traffic and however many links it spreads over. A fold, run while redirects
// are quiet, adds the batches up into click_hours (keyed by link, so a link's statistics are one range
// read) and deletes them in the same transaction. Statistics read click_hours plus the batches not
// folded yet, so they are exact at any moment, on any node.
import type { Db } from "../db/open";

/** Entries of each stats list at most (biggest first): every country, device, browser and OS there is, and the top referrers. */
export const MAX_LIST = 1000;

export interface Profile {
  country: string | null;
  device: string | null;
  browser: string | null;
  os: string | null;
  referrer: string | null;
  bot: boolean;
}

export interface ClickCount {
  hour: number; // whole hours since 1970-01-01T00:00Z
  linkId: number;
  profileId: number;
  clicks: number;
}

export interface StatsRange { from: Date; to: Date }
export interface Counted { key: string; clicks: number }

const HOUR = 3_600_000;
const ENTRY_BYTES = 16;
/**
 * Entries a batch row holds at most, so that folding one row is a short step, which is how long a
 * redirect may wait behind it: 14 ms (median; 2,000 clicks over 10,000 links and 32 visitor profiles)
 * where rows of 10,000 took 28. Folded once a second under sustained load, those raised the redirects'
 * p99 from 2.2 to 10–14 ms; rows of 2,000 to 2.9 ms (under load the recorder now folds as many rows a
 * second as the load fills, and one more, within a tenth of each second).
 */
export const ROW_ENTRIES = 2_000;
/** Link ids below this are summed in an array (8 bytes an id, up to 128 MB), those above in a map. */
const MAX_SUMMED_ID = 16_000_000;

// Entries are written from a Uint32Array as they are, which is little-endian on every platform Bun runs on.
if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error("kurz needs a little-endian machine");

export function unpackCounts(bytes: Uint8Array, each: (hour: number, linkId: number, profileId: number, clicks: number) => void): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at + ENTRY_BYTES <= bytes.byteLength; at += ENTRY_BYTES) {
    each(view.getUint32(at, true), view.getUint32(at + 4, true), view.getUint32(at + 8, true), view.getUint32(at + 12, true));
  }
}

/** The profile's identity in click_profiles.key (SQL's json_array of the same six values, as migration 0003 wrote them). */
export const profileKey = (p: Profile) => JSON.stringify([p.country, p.device, p.browser, p.os, p.referrer, p.bot ? 1 : 0]);

type ProfileRow = { id: number; country: string | null; device: string | null; browser: string | null; os: string | null; referrer: string | null; bot: number };

const utcDayOf = (hour: number) => new Date(hour * HOUR).toISOString().slice(0, 10);

export function createClickStore(db: Db) {
  const client = db.$client;
  // A profile is looked up before it is added: a lookup writes nothing (an upsert that finds the row
  // still writes it), so visitors of known profiles cost no write even while the disk is full.
  const profileByKey = client.query<{ id: number }, [string]>("select id from click_profiles where key = ?");
  const insertProfile = client.query<{ id: number }, [string, string | null, string | null, string | null, string | null, string | null, number]>(
    `insert into click_profiles (key, country, device, browser, os, referrer, bot) values (?, ?, ?, ?, ?, ?, ?)
     on conflict (key) do nothing returning id`,
  );
  const profilesById = client.query<ProfileRow, [string]>(
    "select id, country, device, browser, os, referrer, bot from click_profiles where id in (select value from json_each(?))",
  );
  const appendBatch = client.query<unknown, [number, Uint8Array]>("insert into click_batches (created_at, counts) values (?, ?)");
  const allBatches = client.query<{ counts: Uint8Array }, []>("select counts from click_batches");
  const oldestBatch = client.query<{ created_at: number }, []>("select created_at from click_batches order by id limit 1");
  const batchesFrom = client.query<{ id: number; counts: Uint8Array }, []>("select id, counts from click_batches order by id");
  const deleteBatches = client.query<unknown, [string]>("delete from click_batches where id in (select value from json_each(?))");
  // A link deleted since its clicks were recorded takes them along (click_hours cascades the same way).
  const addHour = client.query<unknown, [number, number, number, number, number]>(
    `insert into click_hours (link_id, hour, profile_id, clicks) select ?, ?, ?, ? where exists (select 1 from links where id = ?)
     on conflict (link_id, hour, profile_id) do update set clicks = clicks + excluded.clicks`,
  );
  const linkHours = client.query<{ hour: number; profile_id: number; clicks: number }, [number, number, number]>(
    "select hour, profile_id, clicks from click_hours where link_id = ? and hour >= ? and hour < ?",
  );
  const humanClicksOf = client.query<{ link_id: number; clicks: number }, [string]>(
    `select h.link_id, sum(h.clicks) as clicks from click_hours h join click_profiles p on p.id = h.profile_id
     where h.link_id in (select value from json_each(?)) and p.bot = 0 group by h.link_id`,
  );

  const appendRows = client.transaction((entries: Uint8Array, second: number) => {
    const rowBytes = ROW_ENTRIES * ENTRY_BYTES;
    for (let at = 0; at < entries.byteLength; at += rowBytes) {
      appendBatch.run(second, entries.subarray(at, Math.min(at + rowBytes, entries.byteLength)));
    }
  });

  const profileIds = client.transaction((list: Profile[]): number[] => list.map((p) => {
    const key = profileKey(p);
    const known = profileByKey.get(key) ?? insertProfile.get(key, p.country, p.device, p.browser, p.os, p.referrer, p.bot ? 1 : 0) ?? profileByKey.get(key);
    if (!known) throw new Error("a visitor profile was neither found nor added");
    return known.id;
  }));

  const profiles = (ids: Iterable<number>) => new Map(profilesById.all(JSON.stringify([...ids])).map((p) => [p.id, p]));
  // Bots' clicks are left out of the counts that lists show (stats count them apart).
  const botIds = client.query<{ id: number }, []>("select id from click_profiles where bot = 1");

  /** Every count of the batches not folded yet. */
  function pendingCounts(each: (hour: number, linkId: number, profileId: number, clicks: number) => void): void {
    for (const batch of allBatches.all()) unpackCounts(batch.counts, each);
  }

  /**
   * Adds to `into` the human clicks per link of the batches not folded yet (of `only` these links, when
   * given). A backlog can hold tens of millions of counts: they are summed by link id in an array, not a
   * map (20,000,000 counts over 1,000,000 links: ~0.5 s, most of it reading them, where a map took 1.2 s).
   */
  function addPendingHumanClicks(into: Map<number, number>, only?: Set<number>): Map<number, number> {
    const bots = new Set(botIds.all().map((r) => r.id));
    let sums = new Float64Array(1024);
    pendingCounts((_hour, linkId, profileId, clicks) => {
      if (bots.has(profileId) || (only !== undefined && !only.has(linkId))) return;
      if (linkId >= MAX_SUMMED_ID) into.set(linkId, (into.get(linkId) ?? 0) + clicks);
      else {
        if (linkId >= sums.length) {
          const bigger = new Float64Array(Math.min(MAX_SUMMED_ID, Math.max(linkId + 1, sums.length * 2)));
          bigger.set(sums);
          sums = bigger;
        }
        sums[linkId]! += clicks;
      }
    });
    for (let id = 0; id < sums.length; id++) if (sums[id]) into.set(id, (into.get(id) ?? 0) + sums[id]!);
    return into;
  }

  /** Folds the oldest batches (at least one, then while they hold at most `maxEntries` counts) in one transaction. */
  const foldOldest = client.transaction((maxEntries: number) => {
    const sums = new Map<string, ClickCount>();
    const folded: number[] = [];
    let entries = 0;
    for (const batch of batchesFrom.iterate()) {
      const size = batch.counts.byteLength / ENTRY_BYTES;
      if (folded.length && entries + size > maxEntries) break;
      folded.push(batch.id);
      entries += size;
      unpackCounts(batch.counts, (hour, linkId, profileId, clicks) => {
        const key = `${linkId}/${hour}/${profileId}`;
        const sum = sums.get(key);
        if (sum) sum.clicks += clicks;
        else sums.set(key, { hour, linkId, profileId, clicks });
      });
    }
    if (!folded.length) return { batches: 0, counts: 0 };
    // In key order, neighbouring upserts touch the same pages.
    const sorted = [...sums.values()].sort((a, b) => a.linkId - b.linkId || a.hour - b.hour || a.profileId - b.profileId);
    for (const c of sorted) addHour.run(c.linkId, c.hour, c.profileId, c.clicks, c.linkId);
    const batches = deleteBatches.run(JSON.stringify(folded)).changes;
    return { batches, counts: entries };
  });

  return {
    /** The profile's id, made on first sight. */
    profileId(p: Profile): number {
      return profileIds([p])[0]!;
    },

    /** The profiles' ids, those not stored yet added, all in one transaction. */
    profileIds,

    /** Appends one flush's entries (four uint32s each: hour, link id, profile id, clicks), in one transaction. */
    append(entries: Uint8Array, at: Date): void {
      if (entries.byteLength) appendRows(entries, Math.floor(at.getTime() / 1000));
    },

    /** When the oldest batch not folded yet was written, or null when all are folded. */
    oldestPending(): Date | null {
      const row = oldestBatch.get();
      return row ? new Date(row.created_at * 1000) : null;
    },

    /** Folds the oldest batches into click_hours; `{batches: 0}` when there is nothing to fold. */
    fold(maxEntries = ROW_ENTRIES): { batches: number; counts: number } {
      return foldOldest.immediate(maxEntries);
    },

    /** `dayOf` names the day of an hour (whole hours since 1970) in the caller's time zone; UTC by default. */
    async stats(linkId: number, range: StatsRange, dayOf: (hour: number) => string = utcDayOf) {
      const from = Math.floor(range.from.getTime() / HOUR);
      const to = Math.ceil(range.to.getTime() / HOUR);
      const counts: { hour: number; profileId: number; clicks: number }[] = linkHours.all(linkId, from, to)
        .map((r) => ({ hour: r.hour, profileId: r.profile_id, clicks: r.clicks }));
      pendingCounts((hour, id, profileId, clicks) => {
        if (id === linkId && hour >= from && hour < to) counts.push({ hour, profileId, clicks });
      });

      const byId = profiles(new Set(counts.map((c) => c.profileId)));
      let total = 0;
      let bots = 0;
      const days = new Map<string, number>();
      const lists = { countries: new Map<string, number>(), devices: new Map(), browsers: new Map(), os: new Map(), referrers: new Map() } satisfies Record<string, Map<string, number>>;
      const add = (map: Map<string, number>, key: string | null | undefined, n: number) => map.set(key ?? "unknown", (map.get(key ?? "unknown") ?? 0) + n);
      for (const c of counts) {
        const p = byId.get(c.profileId);
        if (p?.bot) {
          bots += c.clicks;
          continue;
        }
        total += c.clicks;
        add(days, dayOf(c.hour), c.clicks);
        add(lists.countries, p?.country, c.clicks);
        add(lists.devices, p?.device, c.clicks);
        add(lists.browsers, p?.browser, c.clicks);
        add(lists.os, p?.os, c.clicks);
        add(lists.referrers, p?.referrer, c.clicks);
      }
      const top = (map: Map<string, number>): Counted[] => [...map]
        .map(([key, clicks]) => ({ key, clicks }))
        .sort((a, b) => b.clicks - a.clicks || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
        .slice(0, MAX_LIST);
      return {
        total,
        bots,
        days: [...days].sort(([a], [b]) => (a < b ? -1 : 1)).map(([date, clicks]) => ({ date, clicks })),
        countries: top(lists.countries),
        devices: top(lists.devices),
        browsers: top(lists.browsers),
        os: top(lists.os),
        referrers: top(lists.referrers),
      };
    },

    /** Human clicks per link recorded but not added up yet (for lists sorted by clicks). */
    pendingByLink: (): Map<number, number> => addPendingHumanClicks(new Map()),

    /** Human clicks per link, for lists. */
    async countByLinks(linkIds: number[]): Promise<Map<number, number>> {
      if (linkIds.length === 0) return new Map();
      return addPendingHumanClicks(new Map(humanClicksOf.all(JSON.stringify(linkIds)).map((r) => [r.link_id, r.clicks])), new Set(linkIds));
    },
  };
}

export type ClickStore = ReturnType<typeof createClickStore>;
