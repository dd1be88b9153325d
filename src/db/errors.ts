// What the database's errors mean to the app.
import { DatabaseFileGone } from "./health";

/** A write refused because a unique index already holds the value (a race lost to another request). */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY") return true;
  }
  return false;
}

/**
 * Whether an error means the database cannot be used at the moment, through no fault of the request:
 * the disk is full, the file is read-only or gone, it stayed locked past the busy timeout, or I/O failed.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if (e instanceof DatabaseFileGone) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^SQLITE_(FULL|READONLY|BUSY|LOCKED|IOERR|CANTOPEN|NOMEM)/.test(code)) return true;
  }
  return false;
}
