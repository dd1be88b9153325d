// Schemas of the seed's envelope, shared by every API route's documentation.
import { t } from "elysia";
import type { Messages } from "./errors";

const messages = t.Record(t.String(), t.Array(t.String()));

/** The error envelope as one status documents it: when it comes, and an example of its messages. */
const errorOf = (description: string, example: Messages) =>
  t.Object({ status: t.Literal("error"), messages }, { description, examples: [{ status: "error", messages: example }] });

export const errorJson = errorOf("Every error: one key per bad field, each with human-readable messages", { long_url: ["This url is not valid."] });

const errors = {
  400: errorOf("The body is not JSON, not UTF-8, or nested too deeply", { body: ["The request body is not valid JSON."] }),
  401: errorOf("No API token, or not a valid one (WWW-Authenticate: Bearer)", { api_token: ["An API token is required."] }),
  403: errorOf("The account lacks the api.access permission or is disabled, or a domain or pixel named is someone else's", { api_token: ["This account does not have the api.access permission."] }),
  404: errorOf("No such resource among yours", { id: ["No such link."] }),
  409: errorOf("The domain still has links", { id: ["This domain still has 3 link(s); delete or move them first."] }),
  413: errorOf("The body is over 1 MB", { body: ["The request body may be at most 1 MB."] }),
  422: errorOf("A field is not valid: one key per bad field (items as `multiple_urls.3`, `rules.0.key`)", { long_url: ["This url is not valid."] }),
  429: errorOf("Over the API rate limit (KURZ_API_RATE_LIMIT, 6000 requests a minute per user by default); Retry-After gives the seconds to wait", { api_token: ["Too many requests; try again in 12 s."] }),
  503: errorOf("The database cannot be used right now (its disk full, its file read-only or gone); nothing was stored; Retry-After gives the seconds to wait", {
    server: ["The server cannot store or read data right now (its disk may be full or its database read-only); try again later."],
  }),
};
type ErrorStatus = keyof typeof errors;

/** The error statuses an operation can answer, for its `response` (every authenticated one: 401, 403, 429, 503). */
export function errorResponses<const S extends ErrorStatus[]>(...statuses: S): { [K in S[number] | 401 | 403 | 429 | 503]: typeof errorJson } {
  return Object.fromEntries([401, 403, 429, ...statuses, 503].map((status) => [status, errors[status as ErrorStatus]])) as never;
}

/** The same, as OpenAPI response objects, for an operation documented by hand (one that answers an image). */
export function errorDocs(...statuses: ErrorStatus[]) {
  return Object.fromEntries(Object.entries(errorResponses(...statuses)).map(([status, schema]) => [
    status, { description: schema.description!, content: { "application/json": { schema } } },
  ]));
}
