// Gets a kurz database ready for load: first start (creates the admin), a pixel and one link of each
// special kind through the API, the bulk load, and a check that every kind answers as it should.
import { join } from "node:path";
import { bulkLoad, longUrl, writeSlugFile, type LoadedSets } from "./database";
import { freePort, run, startServer, stopServer, waitReady, type Server } from "./lib";

export const ADMIN = { email: "bench@example.com", password: "bench-password-123" };
export const PHONE_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";
export const RULE_DESTINATION = "https://m.example.com/for-phones";

export type SetName = "plain" | "rule" | "pixel" | "password";

export const serveArgs = (port: number, db: string) =>
  // The API rate limit (6000 a minute per user by default) would cap the creates measurement.
  ["serve", "--port", String(port), "--host", "127.0.0.1", "--db", db, "--api-rate-limit", "0"];

export async function api<T>(origin: string, token: string, path: string, body: unknown): Promise<T> {
  const response = await fetch(origin + path, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`POST ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

export interface Prepared {
  db: string;
  token: string;
  sets: LoadedSets;
  slugFiles: Record<SetName, string>;
}

/**
 * `kurz` is the command that runs kurz (the binary, or bun with src/main.ts); the bulk load runs with
 * the server stopped.
 */
export async function prepare(kurz: string[], work: string, links: number, special: number, say: (line: string) => void): Promise<Prepared> {
  const db = join(work, "kurz.sqlite");
  const port = await freePort();
  const setup = await startServer("kurz (setup)", [...kurz, ...serveArgs(port, db)], {
    port, cwd: work, log: join(work, "setup.log"), env: { KURZ_ADMIN_EMAIL: ADMIN.email, KURZ_ADMIN_PASSWORD: ADMIN.password },
  });
  await waitReady(setup, performance.now());
  const token = (JSON.parse(run([...kurz, "user", "token", "--email", ADMIN.email, "--db", db], { cwd: work })) as { api_token: string }).api_token;
  const o = setup.origin;
  // Title and description given: kurz fetches the destination page only when one is missing.
  const fields = { title: "Template", description: "Given, so that kurz does not fetch the page." };
  type Created = { link: { id: number; user_id: number } };
  const pixel = await api<{ pixel: { id: number } }>(o, token, "/api/pixels", { name: "Bench pixel", type: "facebook", pixel_id: "1234567890123456" });
  const rule = await api<Created>(o, token, "/api/links/create", {
    ...fields, long_url: longUrl("rule", 0), rules: [{ type: "device", key: "phone", value: RULE_DESTINATION }],
  });
  const pixelLink = await api<Created>(o, token, "/api/links/create", { ...fields, long_url: longUrl("pixel", 0), pixels: [pixel.pixel.id] });
  const password = await api<Created>(o, token, "/api/links/create", { ...fields, long_url: longUrl("password", 0), password: "open-sesame-1" });
  await stopServer(setup);

  say(`loading ${links.toLocaleString("en")} plain links${special ? ` and ${special.toLocaleString("en")} each of rule, pixel and password links` : ""} straight into SQLite (bun:sqlite, one transaction, prepared insert; not through the API)`);
  const sets = bulkLoad(db, { userId: rule.link.user_id, rule: rule.link.id, pixel: pixelLink.link.id, password: password.link.id }, links, special);
  say(`loaded in ${(sets.ms / 1000).toFixed(2)} s`);
  const slugFiles = {} as Record<SetName, string>;
  for (const name of ["plain", "rule", "pixel", "password"] as const) {
    slugFiles[name] = join(work, `${name}.slugs`);
    if (sets[name].length) writeSlugFile(slugFiles[name], sets[name]);
  }
  return { db, token, sets, slugFiles };
}

/** A few requests per set, checked for the answer each kind must give; returns the clicks they caused. */
export async function verify(kurz: Server, baseline: Server | null, sets: LoadedSets): Promise<number> {
  let clicks = 0;
  const desktop = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
  const get = (origin: string, slug: string, ua = desktop) => fetch(`${origin}/${slug}`, { redirect: "manual", headers: { "user-agent": ua } });
  const check = (ok: boolean, what: string) => {
    if (!ok) throw new Error(`check failed: ${what}`);
  };
  if (baseline) {
    const b = await get(baseline.origin, "x");
    check(b.status === 302, `baseline answers 302 (got ${b.status})`);
  }
  for (const slug of sets.plain.slice(0, 3)) {
    const r = await get(kurz.origin, slug);
    check(r.status === 302 && (r.headers.get("location") ?? "").startsWith("https://www.example.com/blog/"), `plain /${slug} → 302 (got ${r.status})`);
    clicks++;
  }
  for (const slug of sets.rule.slice(0, 3)) {
    const r = await get(kurz.origin, slug, PHONE_UA);
    check(r.status === 302 && r.headers.get("location") === RULE_DESTINATION, `rule /${slug} → 302 to the phone destination (got ${r.status} ${r.headers.get("location")})`);
    clicks++;
  }
  for (const slug of sets.pixel.slice(0, 3)) {
    const r = await get(kurz.origin, slug);
    const body = await r.text();
    check(r.status === 200 && body.includes("Redirecting"), `pixel /${slug} → 200 pixel page (got ${r.status})`);
    clicks++;
  }
  for (const slug of sets.password.slice(0, 3)) {
    const r = await get(kurz.origin, slug);
    const body = await r.text();
    check(r.status === 200 && body.includes('type="password"'), `password /${slug} → 200 form (got ${r.status})`);
  }
  return clicks;
}
