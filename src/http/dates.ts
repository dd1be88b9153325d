// The API's one date format: UTC "YYYY-MM-DD HH:MM:SS", as the seed shows it.

export function formatDate(date: Date): string;
export function formatDate(date: Date | null): string | null;
export function formatDate(date: Date | null): string | null {
  if (date === null) return null;
  return date.toISOString().slice(0, 19).replace("T", " ");
}

// The seed's format is UTC with a space; an ISO time without a zone ("…T10:00:00") is refused, not
// guessed: it would be the sender's local time as often as UTC.
const plain = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?$/;
const zoned = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

// The last moment the format can write: a zone can carry 9999-12-31T23:59-18:00 past it.
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59);

/**
 * `YYYY-MM-DD HH:MM:SS` (UTC) or ISO 8601 with a zone; null when it is neither, names no real time, or
 * falls after 9999 in UTC (it could not be written back in the same format).
 */
export function parseDate(input: string): Date | null {
  const s = input.trim();
  const local = plain.exec(s);
  const m = local ?? zoned.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, sec = "00"] = m;
  const fields = [y, mo, d, h, mi, sec].map(Number) as [number, number, number, number, number, number];
  const [year, month, day, hour, minute, second] = fields;
  // Reject what Date would silently roll over (Feb 30, 24:61…).
  const probe = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day
    || probe.getUTCHours() !== hour || probe.getUTCMinutes() !== minute || probe.getUTCSeconds() !== second) return null;
  if (local) return probe;
  const zone = m[7]!.toUpperCase();
  if (zone === "Z") return probe;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
  if (offsetMinutes > 18 * 60) return null;
  const utc = probe.getTime() - sign * offsetMinutes * 60_000;
  return utc > LATEST ? null : new Date(utc);
}
