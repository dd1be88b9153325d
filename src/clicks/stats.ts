// A link's click statistics over a date range, with every day of the range present for charts.
import { parseDate } from "../http/dates";
import { ApiError, Problems } from "../http/errors";
import type { LinkStore } from "../links/store";
import { isAdmin } from "../users/service";
import type { UserRow } from "../users/store";
import type { ClickStore } from "./store";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MAX_DAYS = 3 * 366;

export interface StatsDeps {
  links: LinkStore;
  clickStore: ClickStore;
  now: () => Date;
}

/**
 * Days in one time zone (an IANA name such as Europe/Berlin), named YYYY-MM-DD. Clicks are kept by the
 * hour: in a zone whose offset is not whole hours (India, Nepal), an hour counts on the day it starts.
 */
class Zone {
  readonly #parts: Intl.DateTimeFormat;
  readonly #days = new Map<number, string>();

  /** Throws a RangeError for a name the runtime's time zone database does not know. */
  constructor(readonly name: string) {
    this.#parts = new Intl.DateTimeFormat("en-US", {
      timeZone: name, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
    });
  }

  /** The wall-clock time at instant `ms`, read as if it were UTC. */
  #wallClock(ms: number): number {
    const p = Object.fromEntries(this.#parts.formatToParts(ms).map((x) => [x.type, x.value]));
    return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  }

  dayOf(ms: number): string {
    return new Date(this.#wallClock(ms)).toISOString().slice(0, 10);
  }

  /** dayOf for an hour since 1970, remembered: a range holds many counts of the same hours. */
  dayOfHour(hour: number): string {
    let day = this.#days.get(hour);
    if (day === undefined) this.#days.set(hour, (day = this.dayOf(hour * HOUR)));
    return day;
  }

  /** The instant a day (its UTC midnight, see dayNumber) begins in the zone (the offset read twice, for a day that starts a change of time). */
  startOf(midnight: number): number {
    const guess = midnight - (this.#wallClock(midnight) - midnight);
    return midnight - (this.#wallClock(guess) - guess);
  }
}

// Days are counted as numbers (the UTC midnight of their date, in ms), never by comparing names: the day
// after 9999-12-31 has no name of this shape.
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`);
const dayName = (midnight: number) => new Date(midnight).toISOString().slice(0, 10);

/** The day a `from`/`to` names in the zone: `YYYY-MM-DD` as it is, or the day of any date the API accepts; null when neither. */
function dayIn(zone: Zone, value: string): string | null {
  const text = value.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return parseDate(`${text} 00:00:00`) ? text : null;
  const date = parseDate(text);
  return date ? zone.dayOf(date.getTime()) : null;
}

export async function linkStats(deps: StatsDeps, user: UserRow, linkId: number, query: { from?: string; to?: string; tz?: string }) {
  const link = await deps.links.byId(linkId);
  if (!link || (link.userId !== user.id && !isAdmin(user))) throw new ApiError(404, { id: ["No such link."] });

  const problems = new Problems();
  let zone: Zone;
  try {
    zone = new Zone(query.tz?.trim() || "UTC");
  } catch {
    throw new ApiError(422, { tz: ["The tz must be a time zone name like Europe/Berlin or UTC."] });
  }
  // Whole days of the zone: a time given with a date names its day.
  const lastDay = query.to ? dayIn(zone, query.to) : zone.dayOf(deps.now().getTime());
  const createdDay = zone.dayOf(link.createdAt.getTime());
  const firstDay = query.from ? dayIn(zone, query.from) : createdDay;
  if (!firstDay) problems.add("from", "The from date must look like 2026-11-01.");
  if (!lastDay) problems.add("to", "The to date must look like 2026-11-30.");
  problems.throwIfAny();
  // By default, a link older than the longest range shows its last MAX_DAYS days.
  const last = dayNumber(lastDay!);
  let first = dayNumber(firstDay!);
  if (!query.from && (last - first) / DAY >= MAX_DAYS) first = last - (MAX_DAYS - 1) * DAY;
  if (first > last) {
    throw new ApiError(422, query.to ? { to: ["The to date must not be before the from date."] } : { from: ["The from date must not be after today."] });
  }
  if ((last - first) / DAY + 1 > MAX_DAYS) throw new ApiError(422, { from: [`A range may cover at most ${MAX_DAYS} days.`] });

  // `to` names the last day included.
  const range = { from: new Date(zone.startOf(first)), to: new Date(zone.startOf(last + DAY)) };
  const stats = await deps.clickStore.stats(linkId, range, (hour) => zone.dayOfHour(hour));
  const byDay = new Map(stats.days.map((d) => [d.date, d.clicks]));
  const days: { date: string; clicks: number }[] = [];
  for (let day = first; day <= last; day += DAY) {
    const date = dayName(day);
    days.push({ date, clicks: byDay.get(date) ?? 0 });
  }
  return { ...stats, days };
}
