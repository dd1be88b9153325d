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
  const from = query.from ? parseDay(query.from) : dayOf(link.createdAt);
  const toDay = query.to ? parseDay(query.to) : dayOf(deps.now());
  if (!from) problems.add("from", "The from date must look like 2026-11-01.");
  if (!toDay) problems.add("to", "The to date must look like 2026-11-30.");
  problems.throwIfAny();
  // `to` names the last day included.
  const to = new Date(dayOf(toDay!).getTime() + DAY);
  if (to <= from!) throw new ApiError(422, { to: ["The to date must not be before the from date."] });
  if ((to.getTime() - dayOf(from!).getTime()) / DAY > MAX_DAYS) throw new ApiError(422, { from: [`A range may cover at most ${MAX_DAYS} days.`] });

  const stats = await deps.clickStore.stats(linkId, { from: from!, to });
  const byDay = new Map(stats.days.map((d) => [d.date, d.clicks]));
  const days: { date: string; clicks: number }[] = [];
  for (let t = dayOf(from!).getTime(); t < to.getTime(); t += DAY) {
    const date = new Date(t).toISOString().slice(0, 10);
    days.push({ date, clicks: byDay.get(date) ?? 0 });
  }
  return { ...stats, days };
}
