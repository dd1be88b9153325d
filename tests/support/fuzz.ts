// The fuzz suite's tools: hostile values, a JSON writer that can say what JSON.stringify cannot, and a
// runner that sends each case, checks the answer against SPEC §2/§5 and collects every failure.
import fc from "fast-check";
import type { TestApp } from "./app";

/** The seed of every fixed-seed run, so a run is the same cases each time. */
export const FIXED_SEED = 20_260_707;

// ---------------------------------------------------------------- JSON that JSON.stringify cannot write

/** A JSON fragment written as is: `1e400`, `-0`, a duplicated key, invalid JSON on purpose. */
export class Raw {
  constructor(readonly text: string) {}
}

/** An object given as entries, so keys may repeat and `__proto__` is an ordinary key. */
export class Entries {
  constructor(readonly entries: [string, unknown][]) {}
}

export function toJson(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (value instanceof Entries) return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(",")}}`;
  if (Array.isArray(value)) return `[${value.map(toJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value).map((k) => `${JSON.stringify(k)}:${toJson((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** `depth` levels of arrays or objects around `leaf`, built iteratively (no recursion limit while building). */
export function nested(depth: number, kind: "array" | "object", leaf: unknown = 1): Raw {
  const inner = toJson(leaf);
  return kind === "array" ? new Raw("[".repeat(depth) + inner + "]".repeat(depth)) : new Raw('{"a":'.repeat(depth) + inner + "}".repeat(depth));
}

/** An object whose own keys are the prototype names (as JSON.parse makes them, not as `{__proto__: …}` would). */
export const prototypeKeys = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf", "__defineGetter__", "isPrototypeOf"];

// ---------------------------------------------------------------- hostile strings and values

const HUGE = 100_000;

/** Strings every text field should survive: extremes, odd Unicode, injections, prototype names. */
export const nastyStrings: readonly string[] = [
  "", " ", "\t\n\r", "\u0000", "a\u0000b", "\u0000".repeat(64), "\uD800", "\uDFFF", "x\uDBFFy", "\uDC00\uD800",
  "\u202Eevil\u202C", "\u200F\u200E\u061C", "\uFEFF", "\u2028\u2029", "\u00AD", "e\u0301\u0301\u0301", "\uFFFD", "\uFFFF",
  "x".repeat(HUGE), "é".repeat(HUGE / 2), "😀".repeat(HUGE / 10), "\u0000".repeat(HUGE), "\uD800".repeat(1000),
  "' OR '1'='1", "'; DROP TABLE links; --", "1; SELECT * FROM users", '" OR 1=1 --', "%' --", "1' UNION SELECT api_token_hash FROM users --",
  "\\'; --", "' || (SELECT sqlite_version()) || '", "?1", "$1", ":id", "@x",
  "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
  "<!--", "]]>", "{{7*7}}", "${7*7}", "<%= 7*7 %>", "</title><script>alert(1)</script>", "&lt;&#x3C;",
  "a\r\nSet-Cookie: x=1", "\r\n\r\nHTTP/1.1 200 OK", "%0d%0aLocation:%20https://evil.example", "\n",
  "../../../../etc/passwd", "..\\..\\windows\\win.ini", "%2e%2e%2f%2e%2e%2f", "/./././", "file:///etc/passwd", "/dev/zero", "\\\\server\\share",
  "%s%s%s%s%n", "%x%x%x%x", "{0}{1}", "%", "%%", "%ZZ", "%E0%A4%A", "\\", '"', "'", "`", "\\u0000",
  ...prototypeKeys,
  "https://example.com/\u0000", "https://example.com/a\r\nb", "http://", "https://", "https://[::1]", "http://169.254.169.254/latest/meta-data/",
  `https://${"a".repeat(3000)}.example`, `https://example.com/${"a".repeat(HUGE)}`, "//example.com", "HTTPS://EXAMPLE.COM", "https://ex\u202Eample.com",
  "https://пример.рф/путь", " https://example.com ", "https://example.com/\uD800", "https://user:pass@example.com", "ftp://example.com",
  "https://example.com:99999", "http://0x7f000001/", "https://example.com/#\u0000", "blob:https://example.com/x", "https:\\\\example.com",
  "2099-01-01 00:00:00", "0000-00-00 00:00:00", "9999-12-31T23:59:59+99:99", "2026-02-30 00:00:00", "1970-01-01T00:00:00Z", "+275760-09-13",
  "-1", "0", "NaN", "Infinity", "1e309", "0x10", "null", "undefined", "true", "[]", "{}", "9007199254740993",
  "de", "DE", "xx", "phone", "geo", "device", "facebook", "api", "admin", "healthz", "favicon.ico", "a".repeat(64), "a".repeat(65),
  "İ", "ǅ", "ß", "ﬀ", "Ⅻ", "١٢٣", "api.access", "admin@localhost", "a@b", "@", "a@b@c", `${"x".repeat(250)}@b.c`, "go.example.com", "localhost",
];

/** Text that looks valid for the field, then is broken by a hostile string before, after or inside it. */
export function mutatedText(valid: string): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...nastyStrings.filter((s) => s.length < 5000)), fc.nat({ max: valid.length }), fc.constantFrom("prefix", "suffix", "insert"))
    .map(([nasty, at, where]) => (where === "prefix" ? nasty + valid : where === "suffix" ? valid + nasty : valid.slice(0, at) + nasty + valid.slice(at)));
}

/** Generated strings beyond the fixed list: any code unit, graphemes, and control-heavy ASCII. */
export const generatedString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.string({ unit: fc.constantFrom("\u0000", "\r", "\n", "%", "\\", "/", ".", "'", '"', "<", "\uD800", "\u202E", "a", "-"), maxLength: 30 }),
);

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...nastyStrings) },
  { weight: 2, arbitrary: generatedString },
);

const numbers = fc.oneof(
  fc.constantFrom<unknown>(0, -1, 1.5, -0.5, 2 ** 31, 2 ** 53, -(2 ** 53), Number.MAX_VALUE, Number.MIN_VALUE, 1e21),
  fc.constantFrom(new Raw("1e400"), new Raw("-1e400"), new Raw("-0"), new Raw("123456789012345678901234567890"), new Raw("1E2"), new Raw("0.0000000000000000000001")),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** An object with a prototype name as an own key, holding `value`. */
const prototypeObject = fc.tuple(fc.constantFrom(...prototypeKeys), fc.constantFrom<unknown>(1, "x", null, { polluted: true }, [], {}))
  .map(([key, value]) => new Entries([[key, value], ["polluted", true]]));

const containers = fc.oneof(
  fc.constantFrom<unknown>([], {}, [null], [""], [[]], [{}], new Entries([["", 1]])),
  fc.constantFrom(
    new Raw(`[${Array(10_000).fill("1").join(",")}]`),
    new Raw(`[${Array(10_000).fill('"https://example.com/"').join(",")}]`),
    new Raw(`[${Array(10_000).fill('{"type":"geo","key":"de","value":"https://example.com/"}').join(",")}]`),
    new Raw(`[${Array(10_000).fill("[]").join(",")}]`),
    nested(1000, "array"), nested(1000, "object"), nested(1000, "array", "x".repeat(1000)),
  ),
  prototypeObject,
  fc.array(fc.constantFrom(...nastyStrings.filter((s) => s.length < 5000)), { minLength: 1, maxLength: 5 }),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Any JSON value a client could send in place of a field, mostly of the wrong type or at an extreme. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 2, arbitrary: numbers },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(true, false, null) },
  { weight: 3, arbitrary: containers },
);

/** A hostile value, or the field's own valid text broken by a hostile string. */
export function hostileFor(valid: unknown): fc.Arbitrary<unknown> {
  return typeof valid === "string" ? fc.oneof({ weight: 3, arbitrary: hostileValue }, { weight: 1, arbitrary: mutatedText(valid) }) : hostileValue;
}

/** Header values the Fetch API lets through (Latin-1, no NUL/CR/LF), but otherwise hostile. */
export const headerValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "", " ", "x".repeat(64 * 1024), "Bearer", "Bearer ", "Bearer  ", "bearer x", "Basic dXNlcjpwYXNz", "Bearer a b", `Bearer ${"a".repeat(64 * 1024)}`,
    "Bearer ' OR '1'='1", "Bearer __proto__", "Bearer constructor", "Bearer \t", "é".repeat(10), "\u00ff\u00fe", "; ; ;", "=", "kurz_session=", "kurz_session=;kurz_session=x",
    "kurz_session=__proto__", `kurz_session=${"a".repeat(64 * 1024)}`, "<script>", "%00", "..%2f..", "{}", "[]", "null", "-1", "999999999999999999999",
  ),
  fc.string({ unit: fc.constantFrom(..."abc ;=,\t%/\\\"'<>:@é\u00ff".split("")), maxLength: 40 }),
);

/** Path segments for `/:slug`, `/:slug/qr` and `/api/…/:id` (already URL-encoded where needed). */
export const nastySegments: readonly string[] = [
  "%00", "..%2f..", "%2e%2e", "..", ".", "%E0%A4%A", "%C0%AF", "%FF%FE", "%ED%A0%80", "%", "%%", "%2", "%ZZ", "%25", "%2F", "%5C", "a%00b",
  "%D8%00", "%EF%BF%BF", "%F4%90%80%80", "%E2%80%AE", "%F0%9F%98%80", encodeURIComponent("ünïcødé"), encodeURIComponent("пример"), encodeURIComponent("\u202Eabc"),
  "__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "api", "admin", "swagger", "healthz",
  "0", "-1", "1.5", "1e3", "0x10", "1e309", "NaN", "Infinity", "99999999999999999999999", "9007199254740993", "%20", "+", "a+b", " 1", "1 ",
  "x".repeat(64), "x".repeat(65), "x".repeat(10_000), "%27%20OR%20%271%27%3D%271", "%3Cscript%3E", "%0D%0ASet-Cookie:%20x=1", "%25s%25n",
  ";", ";x=1", "@", ":", "~", "!", "*", "$", "(", ")", ",", "[", "]",
];

// ---------------------------------------------------------------- cases, answers and checks

export interface Case {
  /** Where the case belongs in the report, e.g. `POST /api/links/create · alias`. */
  route: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
}

export interface Answer {
  status: number;
  contentType: string;
  text: string;
}

const HANG_MS = 5000;

/** Sends the case; a throw or a missing answer within 5 s is reported as such, never lost. */
export async function send(k: TestApp, c: Case): Promise<Answer | { failure: string }> {
  let request: Request;
  try {
    request = new Request(`http://localhost${c.path}`, { method: c.method, headers: c.headers, body: c.body });
  } catch (error) {
    throw new Error(`the fuzz suite built an invalid request for ${c.route}: ${String(error)}`);
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<"hang">((resolve) => { timer = setTimeout(() => resolve("hang"), HANG_MS); });
  try {
    const response = await Promise.race([k.app.handle(request), hang]);
    if (response === "hang") return { failure: `no answer within ${HANG_MS} ms (hang)` };
    const text = await Promise.race([response.text(), hang]);
    if (text === "hang") return { failure: `the body did not finish within ${HANG_MS} ms (hang)` };
    return { status: response.status, contentType: response.headers.get("content-type") ?? "", text };
  } catch (error) {
    return { failure: `app.handle threw (would be a 500): ${String(error).slice(0, 300)}` };
  } finally {
    clearTimeout(timer);
  }
}

const stackTrace = [/\bat (?:[\w$.<>[\] ]+ )?\(?(?:\/|[A-Za-z]:\\|file:\/\/|node:)/, /node_modules/, /\.ts:/];

function requestText(c: Case): string {
  const body = typeof c.body === "string" ? c.body : c.body ? new TextDecoder().decode(c.body) : "";
  return `${c.path} ${JSON.stringify(c.headers ?? {})} ${body}`;
}

const isApiPath = (path: string) => path === "/api" || path.startsWith("/api/") || path.startsWith("/api?");

/** Everything wrong with one answer (empty when it is fine). */
export function problemsOf(c: Case, answer: Answer): string[] {
  const problems: string[] = [];
  if (answer.status >= 500) problems.push(`status ${answer.status}`);
  // A body may repeat what the client wrote (a link's title); only a trace the client did not send counts.
  const sent = requestText(c);
  for (const pattern of stackTrace) {
    if (pattern.test(answer.text) && !pattern.test(sent)) problems.push(`the body looks like a stack trace (${pattern})`);
  }
  // A QR code (GET /api/links/:id/qr) is the one API answer that is not JSON; a CORS preflight (OPTIONS)
  // is answered 204 without a body.
  const image = answer.status < 400 && answer.contentType.startsWith("image/");
  const preflight = c.method === "OPTIONS" && answer.status === 204 && answer.text === "";
  if (isApiPath(c.path) && c.method !== "HEAD" && !image && !preflight) {
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      problems.push(`API answer ${answer.status} is not JSON (${answer.contentType || "no content-type"}): ${answer.text.slice(0, 80)}`);
      return problems;
    }
    if (!answer.contentType.includes("application/json")) problems.push(`API answer has content-type ${answer.contentType || "none"}`);
    if (answer.status >= 400) problems.push(...envelopeProblems(body));
    else if ((body as { status?: unknown } | null)?.status !== "success") problems.push(`API answer ${answer.status} has no "status":"success"`);
  }
  return problems;
}

/** What keeps `body` from being the seed's error shape `{"status":"error","messages":{field:[text…]}}`. */
export function envelopeProblems(body: unknown): string[] {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return ["the error is not a JSON object"];
  const problems: string[] = [];
  const { status, messages, ...rest } = body as Record<string, unknown>;
  if (status !== "error") problems.push(`the error's status is ${JSON.stringify(status)}`);
  if (Object.keys(rest).length) problems.push(`the error has extra keys ${Object.keys(rest).join(", ")}`);
  if (typeof messages !== "object" || messages === null || Array.isArray(messages) || Object.keys(messages).length === 0) {
    problems.push("the error has no messages object");
    return problems;
  }
  for (const [field, list] of Object.entries(messages)) {
    if (!Array.isArray(list) || list.length === 0 || !list.every((m) => typeof m === "string" && m.trim().length > 0)) {
      problems.push(`messages.${field} is not a non-empty list of non-empty strings`);
    }
  }
  return problems;
}

/** encodeURIComponent that also writes lone surrogates (as the WTF-8 bytes a sloppy client would send). */
export function percentEncode(text: string): string {
  let out = "";
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) out += `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase();
    else out += encodeURIComponent(ch);
  }
  return out;
}

/** Long strings as `"xxx…"(100000 chars)`, so a report stays readable. */
export function short(value: string, max = 160): string {
  const printable = JSON.stringify(value.length > max ? value.slice(0, max) : value);
  return value.length > max ? `${printable}…(${value.length} chars)` : printable;
}

export function describeCase(c: Case): string {
  const body = c.body === undefined ? "" : ` body=${typeof c.body === "string" ? short(c.body) : `bytes[${[...c.body.slice(0, 24)].join(",")}${c.body.length > 24 ? ",…" : ""}]`}`;
  const headers = c.headers && Object.keys(c.headers).length
    ? ` headers={${Object.entries(c.headers).map(([k, v]) => `${k}: ${short(v, 60)}`).join(", ")}}` : "";
  return `${c.method} ${short(c.path, 120)}${headers}${body}`;
}

interface Failure {
  route: string;
  problem: string;
  count: number;
  example: Case;
  answer: string;
  size: number;
}

const sizeOf = (c: Case) => c.path.length + (c.body?.length ?? 0) + JSON.stringify(c.headers ?? {}).length;

/** Sends cases, counts the distinct ones and keeps, per route and problem, the smallest failing example. */
export class FuzzRun {
  readonly distinct = new Set<string>();
  readonly failures = new Map<string, Failure>();
  sent = 0;

  constructor(readonly k: TestApp) {}

  async run(c: Case): Promise<void> {
    this.sent++;
    const body = typeof c.body === "string" ? c.body : c.body ? Buffer.from(c.body).toString("latin1") : "";
    this.distinct.add(`${c.method} ${c.path} ${JSON.stringify(c.headers ?? {})} ${Bun.hash(body)}`);
    const answer = await send(this.k, c);
    const problems = "failure" in answer ? [answer.failure] : problemsOf(c, answer);
    // The prototype-key values carry {"polluted": true}: it must never reach every object.
    if (Object.prototype.hasOwnProperty.call(Object.prototype, "polluted") || Object.prototype.hasOwnProperty.call(Array.prototype, "polluted")) {
      problems.push("Object.prototype or Array.prototype was polluted");
      delete (Object.prototype as Record<string, unknown>).polluted;
      delete (Array.prototype as unknown as Record<string, unknown>).polluted;
    }
    const shown = "failure" in answer ? "" : `${answer.status} ${answer.contentType} ${short(answer.text, 200)}`;
    for (const problem of problems) {
      // Group by the kind of problem, not its details (statuses and texts vary with the input).
      const kind = problem.replace(/\d{3}/g, "NNN").replace(/: .*/, "");
      const key = `${c.route} → ${kind}`;
      const seen = this.failures.get(key);
      if (!seen) this.failures.set(key, { route: c.route, problem, count: 1, example: c, answer: shown, size: sizeOf(c) });
      else {
        seen.count++;
        if (sizeOf(c) < seen.size) Object.assign(seen, { problem, example: c, answer: shown, size: sizeOf(c) });
      }
    }
  }

  async runAll(cases: Iterable<Case>): Promise<void> {
    for (const c of cases) await this.run(c);
  }

  /** One paragraph per route and problem, with the smallest input that showed it. */
  report(): string {
    return [...this.failures.values()].map((f) =>
      `✗ ${f.route}: ${f.problem} (${f.count}×)\n    smallest input: ${describeCase(f.example)}${f.answer ? `\n    answer: ${f.answer}` : ""}`,
    ).join("\n");
  }
}

/** The suite's canary: after the storm the app must still create a link and redirect it. */
export async function createsAndRedirects(k: TestApp, token: string): Promise<string | null> {
  const destination = `https://canary.example/${crypto.randomUUID()}`;
  const created = await k.create(token, { long_url: destination });
  if (created.status !== 200) return `create answered ${created.status}: ${JSON.stringify(created.body).slice(0, 200)}`;
  const slug = created.body.link.alias ?? created.body.link.hash;
  const visit = await k.handle(`/${slug}`);
  if (visit.status !== 302 || visit.headers.get("location") !== destination) {
    return `/${slug} answered ${visit.status} → ${visit.headers.get("location")}`;
  }
  return null;
}

/** `count` values drawn with the fixed seed (plus `salt`, so that each field draws its own values). */
export function sample<T>(arbitrary: fc.Arbitrary<T>, count: number, salt = 0): T[] {
  return fc.sample(arbitrary, { seed: FIXED_SEED + salt, numRuns: count });
}
