// HTTP concerns every route shares: the JSON body reader, the 1 MB limit and rendering every error.
import { Elysia } from "elysia";
import { notFoundPage } from "../redirect/pages";
import { ApiError, errorBody, Problems, type Messages } from "./errors";
import { isDatabaseUnavailable } from "../db/errors";

export const MAX_BODY_BYTES = 1024 * 1024;

/** The path of a request URL without its query ("http://host/api?x=1" → "/api"). */
export function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  const query = url.indexOf("?", start);
  return query === -1 ? url.slice(start) : url.slice(start, query);
}

const isApiPath = (path: string) => path.startsWith("/api/") || path === "/api";
export const isApi = (request: Request) => isApiPath(pathOf(request.url));

/** The API and the admin page's session endpoints answer errors in the seed's JSON envelope. */
const answersJson = (request: Request) => {
  const path = pathOf(request.url);
  return isApiPath(path) || (path.startsWith("/admin/") && !path.startsWith("/admin/assets/"));
};

/** The API and the admin page's session endpoints read their bodies the same way. */
const readsJsonBody = (request: Request) => {
  if (request.method === "GET" || request.method === "HEAD") return false;
  const path = pathOf(request.url);
  return isApiPath(path) || path.startsWith("/admin/");
};

// One decoder for every body: decode() without { stream } keeps no state between calls.
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

const tooLarge = () => new ApiError(413, { body: ["The request body may be at most 1 MB."] });

/** Reads at most `limit` bytes of the body, whatever Content-Length claims. */
async function readText(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) throw tooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return strictUtf8.decode(Buffer.concat(chunks));
}

/**
 * A body that could not be read. Parsing runs before authentication in Elysia's lifecycle; keeping the
 * problem as a value lets the auth step answer 401 first and only then report the body (see apiAuth).
 */
export class UnreadableBody {
  constructor(readonly error: ApiError) {}
}

export function throwIfUnreadable(body: unknown): void {
  if (body instanceof UnreadableBody) throw body.error;
}

/** API bodies are JSON whatever the Content-Type says; anything but a JSON object is refused. */
async function parseApiBody(request: Request): Promise<Record<string, unknown> | UnreadableBody> {
  try {
    return await readApiBody(request);
  } catch (error) {
    if (error instanceof ApiError) return new UnreadableBody(error);
    throw error;
  }
}

async function readApiBody(request: Request): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readText(request, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError(400, { body: ["The request body is not valid UTF-8."] });
  }
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    // Escaped lone surrogates ("\ud800") cannot be stored as they are: SQLite would write U+FFFD.
    // Keys named like Object.prototype members are dropped at every depth: TypeBox keeps them as if they
    // were declared fields, and Elysia cannot print a value whose toString is not a function.
    value = JSON.parse(text, (key, v) => (key !== "" && key in Object.prototype ? undefined : typeof v === "string" ? v.toWellFormed() : v));
  } catch (error) {
    if (error instanceof RangeError) throw new ApiError(400, { body: ["The request body is nested too deeply."] });
    throw new ApiError(400, { body: ["The request body is not valid JSON."] });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ApiError(422, { body: ["The request body must be a JSON object."] });
  }
  return value as Record<string, unknown>;
}

interface ValueErrorLike {
  path: string;
  message: string;
  schema?: { error?: unknown; "x-field"?: unknown };
}

/** Elysia's validation errors in the seed's shape: `/rules/0/key` becomes `rules.0.key`. */
export function validationMessages(errors: ValueErrorLike[]): Messages {
  // A Map: a field may be called "constructor" or "__proto__".
  const messages = new Map<string, string[]>();
  for (const e of errors) {
    const named = typeof e.schema?.["x-field"] === "string" ? e.schema["x-field"] : "body"; // see wholeNumber
    const field = e.path.replace(/^\//, "").replaceAll("/", ".") || named;
    const text = typeof e.schema?.error === "string" ? e.schema.error : `${e.message}.`;
    const list = messages.get(field) ?? [];
    messages.set(field, list);
    if (!list.includes(text)) list.push(text);
  }
  if (messages.size === 0) messages.set("body", ["The request is not valid."]);
  return Object.fromEntries(messages);
}

/** Elysia's list of validation errors; reading it can itself throw (it prints the value it found). */
function validationErrors(error: unknown): ValueErrorLike[] {
  try {
    return (error as { all?: ValueErrorLike[] }).all ?? [];
  } catch {
    try {
      const v = error as { validator: { Errors(value: unknown): Iterable<ValueErrorLike> }; value: unknown };
      const all: ValueErrorLike[] = [];
      for (const e of v.validator.Errors(v.value)) if (all.push(e) >= 64) break;
      return all;
    } catch {
      return [];
    }
  }
}

/** The messages of an Elysia validation error, in the seed's shape. */
function schemaMessages(error: unknown): Messages {
  return validationMessages(validationErrors(error));
}

/** `rest`: the body without the fields the schema refused, which `refused` names. */
type FieldCheck = (rest: Record<string, unknown>, problems: Problems, refused: Set<string>) => void;
const fieldChecks = new WeakMap<Request, FieldCheck>();

/**
 * For a route whose own checks go beyond its schema (a create's URLs, aliases, dates): when the body
 * fails the schema (a field of the wrong type), `check` runs on the fields the schema did not refuse,
 * and its messages are answered with the schema's, so a client hears of every bad field at once.
 * Call it from the route's transform hook (it runs before validation).
 */
export function checkFieldsOnSchemaFailure(request: Request, check: FieldCheck): void {
  fieldChecks.set(request, check);
}

function validationAnswer(error: unknown, request: Request, body: unknown): Messages {
  const fromSchema = schemaMessages(error);
  const check = fieldChecks.get(request);
  if (!check || typeof body !== "object" || body === null || Array.isArray(body)) return fromSchema;
  const refused = new Set(Object.keys(fromSchema).map((key) => key.split(".")[0]!));
  if (refused.has("body")) return fromSchema;
  const problems = new Problems();
  try {
    check(Object.fromEntries(Object.entries(body).filter(([key]) => !refused.has(key))), problems, refused);
  } catch {
    return fromSchema; // the schema's answer stands on its own
  }
  return { ...problems.messages, ...fromSchema };
}

/** Drops top-level keys named like Object.prototype members (see parseApiBody) from bodies and queries. */
function dropInheritedNames(value: unknown): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return;
  for (const key of Object.keys(value)) if (key in Object.prototype) delete (value as Record<string, unknown>)[key];
}

/** The JSON 404 of the API, for routes such as /:slug that would otherwise catch /api. */
export function apiNotFound(): Response {
  return json(404, errorBody({ route: ["There is no such endpoint."] }));
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

/** Renders any error as the seed's envelope on API paths and as a page elsewhere. */
function renderError(
  code: string | number, thrown: unknown, request: Request, body: unknown,
  log: (message: string, error: unknown) => void, logUnavailable: (error: unknown) => void,
): Response {
  const api = isApi(request);
  // Elysia wraps what a parse hook throws in its own ParseError.
  const cause = (thrown as { cause?: unknown }).cause;
  const error = code === "PARSE" && cause instanceof ApiError ? cause : thrown;
  if (error instanceof ApiError) {
    // A password form's 413 is a plain page; the API's and the admin page's, JSON like their other errors.
    if (error.status === 413 && !readsJsonBody(request)) return new Response("Payload Too Large", { status: 413 });
    return json(error.status, errorBody(error.messages), error.headers);
  }
  if (code === "VALIDATION") return json(422, errorBody(validationAnswer(error, request, body)));
  if (code === "PARSE") return json(400, errorBody({ body: ["The request body could not be read."] }));
  if (code === "NOT_FOUND") return api ? apiNotFound() : notFoundPage();
  if (isDatabaseUnavailable(error)) {
    // Not the request's fault, and nothing was stored: the client may send it again later.
    logUnavailable(error);
    const headers = { "retry-after": "30" };
    return answersJson(request)
      ? json(503, errorBody({ server: ["The server cannot store or read data right now (its disk may be full or its database read-only); try again later."] }), headers)
      : new Response("Service Unavailable", { status: 503, headers });
  }
  log("unexpected error", error);
  return answersJson(request) ? json(500, errorBody({ server: ["Something went wrong on our side."] })) : new Response("Internal Server Error", { status: 500 });
}

/** The part of a path an access log may show: no query string (it can hold api_token). */
const loggedPath = (path: string) => (path.length > 200 ? `${path.slice(0, 200)}…` : path);

/** What every route needs: the JSON body reader and one renderer for every error. */
export function httpBasics(log: (message: string, error: unknown) => void) {
  // Once a minute: every write fails alike until the disk or the file is fixed (/healthz says why).
  let unavailableLoggedAt = -Infinity;
  const logUnavailable = (error: unknown) => {
    if (performance.now() - unavailableLoggedAt < 60_000) return;
    unavailableLoggedAt = performance.now();
    log("the database cannot be used", error);
  };
  return new Elysia({ name: "http-basics" })
    .onParse({ as: "global" }, async ({ request }) => {
      if (readsJsonBody(request)) return parseApiBody(request);
      // Other bodies (a link's password form) are small: one declared over the limit is refused unread.
      if (Number(request.headers.get("content-length") ?? "0") > MAX_BODY_BYTES) throw tooLarge();
    })
    .onError({ as: "global" }, ({ code, error, request, set, body }) => {
      const response = renderError(code, error, request, body, log, logUnavailable);
      // For the access log (set is what onAfterResponse sees of this request).
      set.status = response.status;
      return response;
    });
}

/**
 * Hooks of the API and admin routes only: the redirect path runs none of them (each hook costs every request).
 * `as: "scoped"`: they apply to the instance that uses this plugin, not to the whole app.
 */
export function apiHooks(accessLog: ((line: string) => void) | null) {
  const started = new WeakMap<Request, number>();
  return new Elysia({ name: "api-hooks" })
    .onTransform({ as: "scoped" }, ({ body, query, request }) => {
      if (accessLog) started.set(request, performance.now());
      dropInheritedNames(body);
      dropInheritedNames(query);
    })
    // One JSON line per API and admin request. Redirects are left out: each one is a row in the clicks table.
    .onAfterResponse({ as: "scoped" }, ({ request, path, set, responseValue }) => {
      if (!accessLog) return;
      const start = started.get(request) ?? performance.now();
      const status = responseValue instanceof Response ? responseValue.status : Number(set.status) || 200;
      accessLog(JSON.stringify({
        time: new Date().toISOString(), method: request.method, path: loggedPath(path), status, ms: Math.round((performance.now() - start) * 10) / 10,
      }));
    });
}

export { json };
