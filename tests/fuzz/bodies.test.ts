// Every body field of every endpoint, broken one at a time with a fixed seed: wrong types, extremes,
// injections, prototype keys. No answer may be a 500, a non-envelope API error or a stack trace.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { createsAndRedirects, Entries, FuzzRun, hostileFor, hostileString, hostileValue, percentEncode, prototypeKeys, sample, toJson, type Case } from "../support/fuzz";
import { bodyTargets, fuzzFixture, withField, type AuthMode, type BodyTarget, type Fixture } from "../support/fuzz-targets";

let f: Fixture;
let run: FuzzRun;

beforeAll(async () => {
  f = await fuzzFixture();
  run = new FuzzRun(f.k);
});

const modes: AuthMode[] = ["bearer", "query", "cookie"];

/** The request for `target` with `body` (JSON, or the form the password page posts). */
function request(target: BodyTarget, route: string, body: Entries, i: number): Case {
  const path = target.path(f);
  const headers: Record<string, string> = {};
  let query = "";
  if (target.actor) {
    const a = f.auth(target.actor(f), modes[i % modes.length]!);
    Object.assign(headers, a.headers);
    query = a.query;
  }
  if (target.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    const form = body.entries.map(([k, v]) => `${percentEncode(k)}=${percentEncode(typeof v === "string" ? v : toJson(v))}`).join("&");
    return { route, method: target.method, path, headers, body: form };
  }
  headers["content-type"] = "application/json";
  return { route, method: target.method, path: query ? `${path}?${query}` : path, headers, body: toJson(body) };
}

/** Keys a client might add: prototype names, empty, NUL, huge, look-alikes of real fields. */
const extraKey = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...prototypeKeys) },
  { weight: 2, arbitrary: fc.constantFrom("", "\u0000", "x".repeat(100_000), "long_url ", "LONG_URL", "long_url\u0000", "\uD800", "rules[0]", "a.b", "$where", "id", "user_id", "role") },
  { weight: 1, arbitrary: hostileString },
);

/** Every field also gets these: objects that cannot be printed, and the classic pollution payloads. */
const prototypeValues = [
  new Entries([["toString", 1]]),
  new Entries([["valueOf", []], ["toString", null]]),
  new Entries([["__proto__", new Entries([["polluted", true]])]]),
  new Entries([["constructor", new Entries([["prototype", new Entries([["polluted", true]])]])]]),
  [new Entries([["toString", 1]])],
];

describe("body fields", () => {
  for (const target of bodyTargets) {
    test(`${target.route}: every field survives hostile values`, async () => {
      let i = 0;
      for (const field of target.fields) {
        const valid = field.split(".").reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], target.base(f, field));
        for (const value of [...sample(hostileFor(valid), target.runs, 7 + i), ...prototypeValues]) {
          await run.run(request(target, `${target.route} · ${field}`, withField(target.base(f, field), field, value), i++));
        }
      }
    });

    test(`${target.route}: unknown keys and duplicated keys are harmless`, async () => {
      let i = 0;
      const base = (field = "") => Object.entries(target.base(f, field));
      // Argon2 endpoints (password change, login, the password form) get fewer: each case costs ~100 ms there.
      for (const [key, value] of sample(fc.tuple(extraKey, hostileValue), target.runs < 15 ? 8 : 16, 11)) {
        await run.run(request(target, `${target.route} · unknown key`, new Entries([...base(), [key, value]]), i++));
      }
      // The same key twice: JSON.parse keeps the last one; the first must not slip past validation.
      for (const field of target.fields.filter((name) => !name.includes("."))) {
        for (const value of sample(hostileValue, 2, 13 + i)) {
          const entries = base(field);
          const valid = entries.find(([k]) => k === field)?.[1] ?? "x";
          await run.run(request(target, `${target.route} · duplicated ${field}`, new Entries([...entries, [field, value], [field, valid]]), i++));
          await run.run(request(target, `${target.route} · duplicated ${field}`, new Entries([...entries, [field, valid], [field, value]]), i++));
        }
      }
    });
  }
});

afterAll(() => {
  console.log(`[fuzz] bodies: ${run.distinct.size} distinct cases (seeded), ${run.failures.size} failure kinds`);
});

test("no body field broke an answer", () => {
  if (run.failures.size) throw new Error(`${run.failures.size} kinds of failure:\n${run.report()}`);
});

test("the fixed-seed run tried at least 400 distinct bodies", () => {
  expect(run.distinct.size).toBeGreaterThanOrEqual(400);
});

test("afterwards the app still creates a link and redirects it", async () => {
  expect(await createsAndRedirects(f.k, f.canary.token)).toBeNull();
});
