// The admin page in a real headless Chromium (playwright-core) against `kurz serve` run from source:
// log in, make links, see clicks, hand out tokens, log out; CSRF, escaping, CSP; screenshots for a human to look at.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`\n[tests/admin] SKIPPED: ${CHROMIUM} is missing (apt-get install chromium); the admin page was not tested in a browser.\n`);

const root = join(import.meta.dir, "../..");
const output = join(root, "tests/output");
const ADMIN = { email: "admin@example.com", password: "admin-password" };
const IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
const DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";
const VIEWPORTS = [["1280", { width: 1280, height: 800 }], ["390", { width: 390, height: 844 }]] as const;

let dir = "";
let base = "";
let server: ReturnType<typeof Bun.spawn> | null = null;
let browser: Browser | null = null;
/** A second admin's API token, for setting up data and checking results outside the page. */
let apiToken = "";
const contexts: BrowserContext[] = [];

function freePort(): number {
  const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = s.port!;
  s.stop(true);
  return port;
}

function cli(...args: string[]): any {
  const run = Bun.spawnSync(["bun", "src/main.ts", ...args, "--db", join(dir, "kurz.sqlite")], { cwd: root, env: { ...process.env, KURZ_DB: "" } });
  if (run.exitCode !== 0) throw new Error(`kurz ${args.join(" ")}: ${run.stderr.toString()}`);
  return JSON.parse(run.stdout.toString());
}

async function api(method: string, path: string, body?: unknown, token = apiToken): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

/** A fresh browser profile; CSP violations and script errors are collected so each test can assert there were none. */
async function newPage(viewport: { width: number; height: number } = { width: 1280, height: 800 }) {
  const context = await browser!.newContext({ viewport, deviceScaleFactor: 1, locale: "en-US", timezoneId: "UTC" });
  contexts.push(context);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text()); });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  return { context, page, problems };
}

async function logIn(page: Page) {
  await page.goto(`${base}/admin`);
  await page.locator("input[name=email]").fill(ADMIN.email);
  await page.locator("input[name=password]").fill(ADMIN.password);
  await page.locator("form.login-form button[type=submit]").click();
  await page.locator(".sidebar .nav-item[data-nav=links]").waitFor({ state: "attached" });
}

/** Visits a short URL the way a browser would, without following the redirect. */
const visit = (url: string, userAgent: string) => fetch(url, { redirect: "manual", headers: { "user-agent": userAgent } });

/** Waits until the open link-detail screen counts `clicks` human clicks (clicks are written about once a second). */
async function waitForClicks(page: Page, clicks: number) {
  const tile = page.locator(".tile[data-tile=clicks] .tile-value");
  for (let i = 0; i < 20; i++) {
    await tile.waitFor({ timeout: 5000 }).catch(async (error) => {
      throw new Error(`no stats on the screen: ${await page.locator("#main").textContent()}`, { cause: error });
    });
    if ((await tile.textContent()) === String(clicks)) return;
    await Bun.sleep(400);
    await page.reload();
  }
  throw new Error(`the stats never showed ${clicks} clicks (last: ${await tile.textContent()})`);
}

async function shoot(page: Page, name: string, width: string) {
  // A value the page forgot to check would show up as the word "null" or "undefined".
  expect(await page.locator("body").innerText()).not.toMatch(/\b(null|undefined|NaN|\[object Object\])\b/);
  await page.evaluate(() => document.fonts.ready);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: join(output, `admin-${name}-${width}.png`), fullPage: true });
}

describe.skipIf(!hasChromium)("the admin page in headless Chromium", () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "kurz-admin-"));
    mkdirSync(output, { recursive: true });
    const port = freePort();
    base = `http://127.0.0.1:${port}`;
    server = Bun.spawn(["bun", "src/main.ts", "serve", "--port", String(port), "--host", "127.0.0.1", "--base-url", base, "--db", join(dir, "kurz.sqlite")], {
      cwd: root,
      env: { ...process.env, KURZ_ADMIN_EMAIL: ADMIN.email, KURZ_ADMIN_PASSWORD: ADMIN.password, PORT: "", KURZ_DB: "", KURZ_BASE_URL: "" },
      stdout: "pipe",
      stderr: "pipe",
    });
    let up = false;
    for (let i = 0; i < 200 && !up; i++) {
      up = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
      if (!up) await Bun.sleep(50);
    }
    if (!up) throw new Error("kurz did not start");
    apiToken = cli("user", "create", "--email", "setup@example.com", "--password", "setup-password", "--admin", "--api").api_token;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  }, 30_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    server?.kill("SIGTERM");
    await server?.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  test("the links list sorts by clicks, and the sort stays in the address", async () => {
    const { page, problems } = await newPage();
    const tag = unique("sorted");
    const quiet = await api("POST", "/api/links/create", { long_url: "https://example.com/quiet", tags: [tag] });
    const busy = await api("POST", "/api/links/create", { long_url: "https://example.com/busy", tags: [tag] });
    const newest = await api("POST", "/api/links/create", { long_url: "https://example.com/newest", tags: [tag] });
    for (let i = 0; i < 3; i++) await visit(busy.body.link.short_url, DESKTOP);
    await visit(quiet.body.link.short_url, DESKTOP);
    await Bun.sleep(1300); // clicks are written about once a second
    await logIn(page);
    await page.goto(`${base}/admin#/links?tag=${tag}`);
    const order = async () => {
      await page.locator("tr[data-link-id]").first().waitFor();
      return page.locator("tr[data-link-id]").evaluateAll((rows) => rows.map((r) => Number(r.getAttribute("data-link-id"))));
    };
    expect(await order()).toEqual([newest.body.link.id, busy.body.link.id, quiet.body.link.id]);
    await page.locator("select[name=sort]").selectOption("clicks");
    await page.waitForFunction(() => location.hash.includes("sort=clicks"));
    await page.waitForFunction((first) => document.querySelector("tr[data-link-id]")?.getAttribute("data-link-id") === String(first), busy.body.link.id);
    expect(await order()).toEqual([busy.body.link.id, quiet.body.link.id, newest.body.link.id]);
    expect(await page.locator("tr[data-link-id] .clicks").allTextContents()).toEqual(["3", "1", "0"]);
    await page.locator("select[name=sort]").selectOption("created_at.asc");
    await page.waitForFunction(() => location.hash.includes("sort=created_at.asc"));
    await page.waitForFunction((first) => document.querySelector("tr[data-link-id]")?.getAttribute("data-link-id") === String(first), quiet.body.link.id);
    expect(await order()).toEqual([quiet.body.link.id, busy.body.link.id, newest.body.link.id]);
    await page.reload();
    expect(await page.locator("select[name=sort]").inputValue()).toBe("created_at.asc");
    expect(await order()).toEqual([quiet.body.link.id, busy.body.link.id, newest.body.link.id]);
    expect(problems).toEqual([]);
  }, 30_000);

  test("a link's stats are in the browser's time zone: its today, its days", async () => {
    // Kiritimati is UTC+14: most of the time its date is a day ahead of UTC's.
    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-US", timezoneId: "Pacific/Kiritimati" });
    contexts.push(context);
    const page = await context.newPage();
    const made = await api("POST", "/api/links/create", { long_url: "https://example.com/zone", alias: unique("zone") });
    await visit(made.body.link.short_url, DESKTOP);
    await Bun.sleep(1300);
    await logIn(page);
    const stats = page.waitForRequest((r) => r.url().includes(`/api/links/${made.body.link.id}/stats`));
    await page.goto(`${base}/admin#/links/${made.body.link.id}`);
    const url = new URL((await stats).url());
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Pacific/Kiritimati" }).format(new Date());
    expect(url.searchParams.get("tz")).toBe("Pacific/Kiritimati");
    expect(url.searchParams.get("to")).toBe(today);
    await waitForClicks(page, 1);
    // The link's preview page is one click away.
    expect(await page.locator("a[data-preview]").getAttribute("href")).toBe(`${made.body.link.short_url}+`);
    const answer = await api("GET", `${url.pathname}${url.search}`);
    expect(answer.body.stats.days.at(-1)).toEqual({ date: today, clicks: 1 });
  }, 30_000);

  test("a page on another origin creates a link with a token (CORS), but cannot use a logged-in admin's session", async () => {
    // A browser client elsewhere (a dashboard, a bookmarklet's page): another port is another origin.
    const elsewhere = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("<!doctype html><title>elsewhere</title>", { headers: { "content-type": "text/html" } }) });
    try {
      const { page } = await newPage();
      await logIn(page); // the browser now holds an admin session cookie for kurz
      await page.goto(`http://127.0.0.1:${elsewhere.port}/`);
      const alias = unique("cors");
      const made = await page.evaluate(async ({ base, token, alias }) => {
        const response = await fetch(`${base}/api/links/create`, {
          method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ long_url: "https://example.com/from-elsewhere", alias }),
        });
        return { status: response.status, body: await response.json() };
      }, { base, token: apiToken, alias });
      expect(made.status).toBe(200);
      expect(made.body.link.short_url).toBe(`${base}/${alias}`);
      expect((await api("GET", `/api/links/${made.body.link.id}`)).body.link.long_url).toBe("https://example.com/from-elsewhere");

      // An error is readable too, with the header that says when to retry or how to authenticate.
      const refused = await page.evaluate(async (base) => {
        const response = await fetch(`${base}/api/me`, { headers: { authorization: "Bearer wrong" } });
        return { status: response.status, body: await response.json(), auth: response.headers.get("www-authenticate") };
      }, base);
      expect(refused).toEqual({ status: 401, body: { status: "error", messages: { api_token: ["This API token is not valid."] } }, auth: "Bearer" });

      // The session cookie is not a credential for other origins: the browser refuses the answer.
      for (const path of ["/api/me", "/admin/session"]) {
        const withCookie = await page.evaluate(async (url) => {
          try {
            const response = await fetch(url, { credentials: "include" });
            return `read ${response.status}`;
          } catch (error) {
            return `blocked: ${(error as Error).name}`;
          }
        }, `${base}${path}`);
        expect([path, withCookie]).toEqual([path, "blocked: TypeError"]);
      }
    } finally {
      elsewhere.stop(true);
    }
  }, 30_000);

  test("an admin logs in, creates a link with tags and a device rule, sees it listed, sees its click, takes a new token and logs out", async () => {
    const { context, page, problems } = await newPage();
    const alias = unique("launch");

    // Log in.
    await logIn(page);
    expect(await page.locator(".whoami-email").textContent()).toBe(ADMIN.email);

    // Create a link with two tags and a device rule.
    await page.locator("a[href='#/links/new']").first().click();
    await page.locator("input[name=long_url]").fill("https://example.com/landing");
    await page.locator("input[name=title]").fill("Spring launch");
    await page.locator("input[name=alias]").fill(alias);
    const tagInput = page.locator(".chips-input input");
    await tagInput.fill("launch");
    await tagInput.press("Enter");
    await tagInput.fill("spring");
    await tagInput.press("Enter");
    await page.locator("[data-add-rule=device]").click();
    await page.locator(".rule .rule-key").selectOption("phone");
    await page.locator(".rule .rule-value").fill("https://m.example.com/");
    await page.locator("form.link-form button[type=submit]").click();
    await page.waitForURL(/#\/links\/\d+$/);
    const id = Number(page.url().split("/").pop());
    const created = (await api("GET", `/api/links/${id}`)).body.link;
    expect(created).toMatchObject({ alias, long_url: "https://example.com/landing", title: "Spring launch", tags: ["launch", "spring"] });
    expect(created.rules).toEqual([{ type: "device", key: "phone", value: "https://m.example.com/" }]);

    // It is listed, with its tags; searching finds it.
    await page.locator(".nav-item[data-nav=links]").click();
    const row = page.locator(`tr[data-link-id="${id}"]`);
    await row.waitFor();
    expect(await row.locator(".chip").allTextContents()).toEqual(["launch", "spring"]);
    expect(await row.locator(".short-url").textContent()).toContain(`/${alias}`);
    await page.locator("input[type=search]").fill(alias);
    await page.waitForFunction((n) => document.querySelectorAll("tr[data-link-id]").length === n, 1);
    expect(await page.locator("tr[data-link-id]").getAttribute("data-link-id")).toBe(String(id));

    // Follow the short URL: a phone goes where the rule says, a desktop to the destination.
    const phone = await visit(created.short_url, IPHONE);
    expect(phone.status).toBe(302);
    expect(phone.headers.get("location")).toBe("https://m.example.com/");
    const desktop = await visit(created.short_url, DESKTOP);
    expect(desktop.status).toBe(302);
    expect(desktop.headers.get("location")).toBe("https://example.com/landing");

    // The clicks show in the link's stats.
    await row.locator(".link-title").click();
    await page.waitForURL(new RegExp(`#/links/${id}$`));
    await Bun.sleep(1500);
    await waitForClicks(page, 2);
    const devices = page.locator(".top-list", { hasText: "Devices" });
    expect(await devices.locator(".bar-label").allTextContents()).toEqual(expect.arrayContaining(["Phone", "Desktop"]));
    expect(await page.locator(".bar-chart .bar:not(.bar-zero)").count()).toBeGreaterThan(0);

    // A new API token, shown once, works against the API; the one before it stops working.
    const before = cli("user", "token", "--email", ADMIN.email).api_token;
    expect((await api("GET", "/api/me", undefined, before)).status).toBe(200);
    await page.locator(".nav-item[data-nav=account]").click();
    await page.locator("[data-action=regenerate-token]").click();
    await page.locator("dialog [data-confirm]").click();
    const token = await page.locator("[data-token-reveal] .token-value").textContent() ?? "";
    expect(token.length).toBeGreaterThan(20);
    const me = await api("GET", "/api/me", undefined, token);
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe(ADMIN.email);
    expect((await api("GET", "/api/me", undefined, before)).status).toBe(401);

    // Log out: the page shows the login form, and the old session cookie no longer works.
    const cookie = (await context.cookies()).find((c) => c.name === "kurz_session");
    expect(cookie?.httpOnly).toBe(true);
    await page.locator(".nav-logout").click();
    await page.locator("form.login-form").waitFor();
    const header = { cookie: `kurz_session=${cookie!.value}` };
    expect((await fetch(`${base}/admin/session`, { headers: header })).status).toBe(401);
    expect((await fetch(`${base}/api/links`, { headers: header })).status).toBe(401);
    await page.reload();
    await page.locator("form.login-form").waitFor();

    expect(problems).toEqual([]);
  }, 45_000);

  test("a cross-site form post that carries the session cookie creates no link", async () => {
    const { page, problems } = await newPage();
    await logIn(page);
    const marker = unique("csrf");
    // A text/plain form can send a body that parses as JSON; the page on the other origin cannot read the CSRF token.
    const attack = `<!doctype html><form method="POST" action="${base}/api/links/create" enctype="text/plain">
      <input name='{"long_url":"https://evil.example/${marker}","alias":"${marker}","x":"' value='"}'></form>
      <script>document.forms[0].submit()</script>`;
    const evil = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response(attack, { headers: { "content-type": "text/html" } }) });
    try {
      // Another port on the same host is another origin but the same site, so SameSite=Lax still sends the
      // cookie: only the CSRF check stands in the way. From "localhost" the site differs and no cookie is sent.
      for (const [origin, refused] of [[`http://127.0.0.1:${evil.port}`, 403], [`http://localhost:${evil.port}`, 401]] as const) {
        const answer = page.waitForResponse((r) => r.url().startsWith(`${base}/api/links/create`));
        await page.goto(`${origin}/`);
        expect((await answer).status()).toBe(refused);
      }
    } finally {
      evil.stop(true);
    }
    const found = await api("GET", `/api/links?q=${marker}`);
    expect(found.body.links).toEqual([]);
    expect(found.body.pagination.total).toBe(0);
    expect(problems).toEqual([]);
  }, 30_000);

  test("what users and remote pages wrote is shown as text and never runs", async () => {
    const { page, problems } = await newPage();
    const title = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> ${unique("xss")}`;
    const made = await api("POST", "/api/links/create", { long_url: "https://example.com/xss", title, tags: ["<b>bold</b>"], description: "<i>desc</i>" });
    expect(made.status).toBe(200);
    await logIn(page);
    const row = page.locator(`tr[data-link-id="${made.body.link.id}"]`);
    await row.waitFor();
    expect(await row.locator(".link-title").textContent()).toBe(title);
    expect(await row.locator(".chip").textContent()).toBe("<b>bold</b>");
    await row.locator(".link-title").click();
    await page.locator(".hero h1").waitFor();
    expect(await page.locator(".hero h1").textContent()).toBe(title);
    expect(await page.locator(".hero-desc").textContent()).toBe("<i>desc</i>");
    expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
    expect(await page.locator("img[src=x], #main b, #main i").count()).toBe(0);
    expect(problems).toEqual([]);
  }, 30_000);

  test("errors are shown next to the fields they name: a wrong password, a bad destination, a bad rule", async () => {
    const { page, problems } = await newPage();
    await page.goto(`${base}/admin`);
    await page.locator("form.login-form button[type=submit]").click();
    await page.locator(".field.invalid[data-field=password] .field-error").waitFor();
    expect(await page.locator("[data-field=email] > .field-error").textContent()).toBe("Enter your email.");
    expect(await page.locator("[data-field=password] > .field-error").textContent()).toBe("Enter your password.");
    await page.locator("input[name=email]").fill(ADMIN.email);
    await page.locator("input[name=password]").fill("not-the-password");
    await page.locator("form.login-form button[type=submit]").click();
    await page.locator(".field.invalid[data-field=email] .field-error").waitFor();
    expect(await page.locator("[data-field=email] > .field-error").textContent()).toContain("not right");

    await logIn(page);
    await page.goto(`${base}/admin#/links/new`);
    await page.locator("input[name=long_url]").fill("ftp://example.com/file");
    await page.locator("[data-add-rule=device]").click();
    await page.locator(".rule .rule-value").fill("javascript:alert(1)");
    await page.locator("form.link-form button[type=submit]").click();
    await page.locator(".field.invalid[data-field=long_url] .field-error").waitFor();
    expect(await page.locator("[data-field=long_url] > .field-error").textContent()).not.toBe("");
    const ruleError = page.locator(".rule [data-field='rules.0.value'] > .field-error, .rule[data-field='rules.0'] > .field-error");
    expect((await ruleError.allTextContents()).join("")).not.toBe("");
    expect(page.url()).toEndWith("#/links/new");
    expect(problems).toEqual([]);
  }, 30_000);

  test("a link is edited, disabled and deleted from its screen; a domain in use says why it cannot go", async () => {
    const { page, problems } = await newPage();
    const host = `${unique("go")}.example.com`;
    const domain = (await api("POST", "/api/domains", { host })).body.domain;
    const made = (await api("POST", "/api/links/create", { long_url: "https://example.com/edit-me", title: "Before", domain_id: domain.id, expires_at: "2099-01-01 00:00:00" })).body.link;
    await logIn(page);

    // Edit: only what changed is sent, so the untouched expiry and domain stay as they were.
    await page.goto(`${base}/admin#/links/${made.id}/edit`);
    await page.locator("input[name=title]").fill("After");
    await page.locator("form.link-form button[type=submit]").click();
    await page.waitForURL(new RegExp(`#/links/${made.id}$`));
    await page.locator(".hero h1", { hasText: "After" }).waitFor();
    expect((await api("GET", `/api/links/${made.id}`)).body.link).toMatchObject({ title: "After", domain_id: domain.id, expires_at: "2099-01-01 00:00:00" });

    // Disable, then the domain refuses to go while the link uses it, with the server's reason on screen.
    await page.locator("[data-action=toggle]").click();
    await page.locator(".hero .badge-muted", { hasText: "Disabled" }).waitFor();
    expect((await api("GET", `/api/links/${made.id}`)).body.link.disabled).toBe(true);
    await page.locator(".nav-item[data-nav=domains]").click();
    await page.locator(`button[aria-label="Delete ${host}"]`).click();
    await page.locator("dialog [data-confirm]").click();
    await page.locator(".alert-error", { hasText: "still has 1 link" }).waitFor();

    // Delete the link after confirming; then the domain can go.
    await page.goto(`${base}/admin#/links/${made.id}`);
    await page.locator("[data-action=delete]").click();
    await page.locator("dialog [data-confirm]").click();
    await page.waitForURL(/#\/links$/);
    expect((await api("GET", `/api/links/${made.id}`)).status).toBe(404);
    // Back to the deleted link (an old bookmark): no "Try again", a way back to the list.
    await page.goto(`${base}/admin#/links/${made.id}`);
    await page.locator(".alert-error a.btn", { hasText: "All links" }).waitFor();
    expect(await page.locator(".alert-error button", { hasText: "Try again" }).count()).toBe(0);
    await page.locator(".nav-item[data-nav=domains]").click();
    await page.locator(`button[aria-label="Delete ${host}"]`).click();
    await page.locator("dialog [data-confirm]").click();
    await page.locator(`button[aria-label="Delete ${host}"]`).waitFor({ state: "detached" });
    expect((await api("GET", "/api/domains")).body.domains.map((d: any) => d.host)).not.toContain(host);
    expect(problems).toEqual([]);
  }, 30_000);

  test("an admin adds a user, revokes their API access and disables them", async () => {
    const { page, problems } = await newPage();
    const email = `${unique("ana")}@example.com`;
    await logIn(page);
    await page.locator(".nav-item[data-nav=users]").click();
    await page.locator("input[name=email]").fill(email);
    await page.locator("input[name=password]").fill("ana-password-1");
    await page.locator("form button[type=submit]").click();
    const token = await page.locator("[data-token-reveal] .token-value").textContent() ?? "";
    expect((await api("GET", "/api/me", undefined, token)).body.user.email).toBe(email);

    await page.locator(`[data-user-api="${email}"]`).uncheck({ force: true });
    await page.waitForFunction((e) => (document.querySelector(`[data-user-api="${e}"]`) as HTMLInputElement | null)?.checked === false, email);
    await Bun.sleep(200);
    expect((await api("GET", "/api/me", undefined, token)).status).toBe(403);

    await page.locator(`[data-user-active="${email}"]`).uncheck({ force: true });
    await page.waitForFunction((e) => document.querySelector(`[data-user-active="${e}"]`)?.closest("tr")?.classList.contains("row-muted"), email);
    const users = (await api("GET", "/api/users")).body.users;
    expect(users.find((u: any) => u.email === email)).toMatchObject({ disabled: true, permissions: [] });

    // Making someone an administrator asks first; cancelled, nothing changes.
    const roleSelect = page.locator(`select[aria-label="Role of ${email}"]`);
    await roleSelect.selectOption("admin");
    await page.locator("dialog.dialog").waitFor();
    await page.locator("dialog.dialog button", { hasText: "Cancel" }).click();
    expect(await roleSelect.inputValue()).toBe("user");
    await roleSelect.selectOption("admin");
    await page.locator("dialog.dialog button[data-confirm]").click();
    for (let i = 0; i < 20 && (await api("GET", "/api/users")).body.users.find((u: any) => u.email === email).role !== "admin"; i++) await Bun.sleep(100);
    expect((await api("GET", "/api/users")).body.users.find((u: any) => u.email === email).role).toBe("admin");
    // Four changes in a few seconds: their notices do not pile up over the page.
    expect(await page.locator(".toasts .toast").count()).toBeLessThanOrEqual(2);
    expect(problems).toEqual([]);
  }, 30_000);

  test("opened under another host name, the new-link form shows the short links' real host (the base URL's)", async () => {
    const { page, problems } = await newPage();
    const other = base.replace("127.0.0.1", "localhost");
    await page.goto(`${other}/admin`);
    await page.locator("input[name=email]").fill(ADMIN.email);
    await page.locator("input[name=password]").fill(ADMIN.password);
    await page.locator("form.login-form button[type=submit]").click();
    await page.locator(".sidebar .nav-item[data-nav=links]").waitFor({ state: "attached" });
    await page.goto(`${other}/admin#/links/new`);
    const host = new URL(base).host;
    expect(await page.locator(".prefix").first().textContent()).toBe(`${host}/`);
    expect(await page.locator("select[name=domain_id] option").first().textContent()).toBe(`${host} (default)`);
    expect(problems).toEqual([]);
  }, 30_000);

  test("a table wider than a tablet's screen scrolls to its last column; a page past the end says so", async () => {
    await api("POST", "/api/links/create", { long_url: "https://example.com/wide", tags: ["a-very-long-tag-name-for-testing-widths"] });
    const { page, problems } = await newPage({ width: 800, height: 900 });
    await logIn(page);
    await page.goto(`${base}/admin#/links`);
    const tableCard = page.locator(".table-card").first();
    await tableCard.waitFor();
    // An administrator sees whose links are someone else's.
    await page.locator("tr:has-text('example.com/wide') .owner").waitFor();
    expect(await page.locator("tr:has-text('example.com/wide') .owner").first().textContent()).toBe("by setup@example.com");
    // Untitled, it is named by its destination's host and path, not the host alone.
    expect(await page.locator("tr:has-text('example.com/wide') .link-title").first().textContent()).toBe("example.com/wide");
    const lastHeader = page.locator(".table-card th").last();
    await tableCard.evaluate((el) => { el.scrollLeft = el.scrollWidth; });
    const [cardBox, headerBox] = [await tableCard.boundingBox(), await lastHeader.boundingBox()];
    expect(headerBox!.x + headerBox!.width).toBeLessThanOrEqual(cardBox!.x + cardBox!.width + 1);
    await page.goto(`${base}/admin#/links?page=999`);
    await page.locator(".empty").waitFor();
    expect(await page.locator(".empty").textContent()).toContain("There is no page 999");
    expect(problems).toEqual([]);
  }, 30_000);

  test("leaving the link form with unsaved changes asks first; untouched, it just leaves", async () => {
    const made = (await api("POST", "/api/links/create", { long_url: "https://example.com/unsaved", title: "Before" })).body.link;
    const { page, problems } = await newPage();
    await logIn(page);
    await page.goto(`${base}/admin#/links/${made.id}/edit`);
    const title = page.locator("input[name=title]");
    await title.waitFor();
    await title.fill("After, not saved");
    await page.locator("form.link-form a.btn", { hasText: "Cancel" }).click();
    await page.locator("dialog.dialog").waitFor();
    await page.locator("dialog.dialog button", { hasText: "Cancel" }).click();
    expect(page.url()).toEndWith(`#/links/${made.id}/edit`);
    expect(await title.inputValue()).toBe("After, not saved");
    await page.locator("form.link-form a.btn", { hasText: "Cancel" }).click();
    await page.locator("dialog.dialog button[data-confirm]").click();
    await page.waitForURL(new RegExp(`#/links/${made.id}$`));
    expect((await api("GET", `/api/links/${made.id}`)).body.link.title).toBe("Before");
    // Untouched, Cancel leaves at once.
    await page.goto(`${base}/admin#/links/${made.id}/edit`);
    await title.waitFor();
    await page.locator("form.link-form a.btn", { hasText: "Cancel" }).click();
    await page.waitForURL(new RegExp(`#/links/${made.id}$`));
    expect(await page.locator("dialog.dialog").count()).toBe(0);
    expect(problems).toEqual([]);
  }, 30_000);

  test("a visitor types a link's password in the form and lands on its destination on another origin", async () => {
    // localhost is another origin than 127.0.0.1: a CSP that kept forms to their own origin would stop the redirect.
    const destination = `${base.replace("127.0.0.1", "localhost")}/healthz`;
    const made = (await api("POST", "/api/links/create", { long_url: destination, password: "open sesame" })).body.link;
    const { page, problems } = await newPage();
    await page.goto(made.short_url);
    await page.locator("input[name=password]").fill("wrong guess");
    await page.locator("button[type=submit]").click();
    await page.locator(".error").waitFor();
    await page.locator("input[name=password]").fill("open sesame");
    await page.locator("button[type=submit]").click();
    await page.waitForURL(destination);
    expect(await page.locator("body").innerText()).toContain('"status":"ok"');
    expect(problems).toEqual([]);
  }, 30_000);

  test("the main screens are captured at 1280×800 and 390×844 for a human to look at", async () => {
    const made = await api("POST", "/api/links/create", {
      long_url: "https://www.example.com/blog/2026/how-we-cut-our-cloud-bill-in-half", title: "How we cut our cloud bill in half",
      alias: unique("cloud"), tags: ["blog", "infra"], rules: [{ type: "device", key: "phone", value: "https://m.example.com/blog" }, { type: "geo", key: "de", value: "https://example.de/blog" }],
    });
    const link = made.body.link;
    await Promise.all([IPHONE, IPHONE, DESKTOP, DESKTOP, DESKTOP].map((ua) => visit(link.short_url, ua)));
    await Bun.sleep(1300);

    for (const [width, viewport] of VIEWPORTS) {
      const { page, problems } = await newPage(viewport);
      await page.goto(`${base}/admin`);
      await page.locator("form.login-form").waitFor();
      await shoot(page, "login", width);
      await logIn(page);
      await page.locator("tr[data-link-id]").first().waitFor();
      await shoot(page, "links", width);

      await page.goto(`${base}/admin#/links/new`);
      await page.locator("input[name=long_url]").fill("https://shop.example.com/spring-sale");
      await page.locator(".chips-input input").fill("promo, newsletter,");
      await page.locator("[data-add-rule=device]").click();
      await page.locator(".rule .rule-value").fill("https://m.shop.example.com/spring");
      await page.locator("input[name=long_url]").focus();
      await shoot(page, "link-form", width);

      await page.goto(`${base}/admin#/links/${link.id}`);
      await page.locator("dialog.dialog button[data-confirm]").click(); // leave the filled form unsaved
      await waitForClicks(page, 5);
      await page.locator(".bar-chart").waitFor();
      await page.locator(".qr-img").evaluate((img: HTMLImageElement) => img.decode());
      await shoot(page, "link-detail", width);

      await page.goto(`${base}/admin#/account`);
      await page.locator("[data-action=regenerate-token]").click();
      await page.locator("dialog [data-confirm]").click();
      await page.locator("[data-token-reveal]").waitFor();
      await shoot(page, "account", width);
      expect(problems).toEqual([]);
    }
    for (const [width] of VIEWPORTS) {
      for (const name of ["login", "links", "link-form", "link-detail", "account"]) expect(existsSync(join(output, `admin-${name}-${width}.png`))).toBe(true);
    }
  }, 45_000);
});
