// Schema helpers shared by the API's `t` models.
import { t, type TSchema } from "elysia";

/**
 * One of a few strings. Not t.UnionEnum: Elysia fills a missing optional UnionEnum with its first value
 * (an absent `role` would become "admin"); a union of literals stays absent.
 */
export function oneOf<const T extends readonly string[]>(values: T, options: { error?: string; description?: string } = {}) {
  return t.Union(values.map((v) => t.Literal(v)), options) as TSchema as TSchema & { static: T[number] };
}

/**
 * A whole number in a query string or path. Elysia reports one that is out of range without naming it:
 * `x-field` (an OpenAPI extension) carries the name into the error (see validationMessages).
 */
export function wholeNumber(field: string, options: { minimum: number; maximum?: number; error: string; default?: number; description?: string }) {
  return t.Number({ multipleOf: 1, ...options, "x-field": field });
}

/** `/:id` of any resource: a positive whole number. */
export const idParams = t.Object({ id: wholeNumber("id", { minimum: 1, error: "The id must be a positive integer." }) });
