// A link's click statistics over a date range, with every day of the range present for charts.
import { parseDate } from "../http/dates";
import { ApiError, Problems } from "../http/errors";
import type { LinkStore } from "../links/store";
import { isAdmin } from "../users/service";
import type { UserRow } from "../users/store";
import type { ClickStore } from "./store";

const DAY = 86_400_000;
const MAX_DAYS = 3 * 366;

export interface StatsDeps {
  links: LinkStore;
  clickStore: ClickStore;
  now: () => Date;
}

/** `YYYY-MM-DD` (a whole UTC day) or any date the API accepts. */
function parseDay(value: string): Date | null {
  return /^\d{4}-\d{2}-\d{2}$/.test(value.trim()) ? parseDate(`${value.trim()} 00:00:00`) : parseDate(value);
}

const dayOf = (d: Date) => new Date(Math.floor(d.getTime() / DAY) * DAY);

export async function linkStats(deps: StatsDeps, user: UserRow, linkId: number, query: { from?: string; to?: string }) {
  const link = await deps.links.byId(linkId);
  if (!link || (link.userId !== user.id && !isAdmin(user))) throw new ApiError(404, { id: ["No such link."] });

  const problems = new Problems();
  // Whole UTC days: a time given with a date names its day.
  const toDay = query.to ? parseDay(query.to) : deps.now();
  const fromDay = query.from ? parseDay(query.from) : link.createdAt;
  if (!fromDay) problems.add("from", "The from date must look like 2026-11-01.");
  if (!toDay) problems.add("to", "The to date must look like 2026-11-30.");
  problems.throwIfAny();
  // `to` names the last day included.
  const to = new Date(dayOf(toDay!).getTime() + DAY);
  // By default, a link older than the longest range shows its last MAX_DAYS days.
  const from = query.from ? dayOf(fromDay!) : new Date(Math.max(dayOf(fromDay!).getTime(), to.getTime() - MAX_DAYS * DAY));
  if (to <= from) {
    throw new ApiError(422, query.to ? { to: ["The to date must not be before the from date."] } : { from: ["The from date must not be after today."] });
  }
  if ((to.getTime() - from.getTime()) / DAY > MAX_DAYS) throw new ApiError(422, { from: [`A range may cover at most ${MAX_DAYS} days.`] });

  const stats = await deps.clickStore.stats(linkId, { from, to });
  const byDay = new Map(stats.days.map((d) => [d.date, d.clicks]));
  const days: { date: string; clicks: number }[] = [];
  for (let t = from.getTime(); t < to.getTime(); t += DAY) {
    const date = new Date(t).toISOString().slice(0, 10);
    days.push({ date, clicks: byDay.get(date) ?? 0 });
  }
  return { ...stats, days };
}
