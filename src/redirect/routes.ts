// GET/HEAD /:slug sends the visitor on; POST /:slug takes a protected link's password.
import { Elysia } from "elysia";
import { cookiesSecure } from "../auth/sessions";
import type { ClickRecorder } from "../clicks/recorder";
import type { RateLimiter } from "../http/rate-limit";
import { aliasPattern, isReservedSlug } from "../links/slug";
import type { RedirectLink } from "../links/store";
import { withExtraPath, withoutParameter, withVisitorQuery } from "../links/url";
import { apiNotFound, isApi, pathOf } from "../http/plugin";
import { hostOf, prepared, resolveShortUrl, type ResolveDeps } from "./resolve";
import { expiredPage, notFoundPage, passwordPage, previewPage, protectedPreviewPage, tooManyRequestsPage } from "./pages";
import { pixelPage } from "./pages/pixels";
import { pickDestination, type Visitor } from "./rules";
import type { Unlocks } from "./unlock";
import { ClockCache } from "./cache";
import { addressMatcher, agentOf, cdnCountry, clientIp, forwardedIp, pickClientIp, visitorCountry, type AddressSource, type VisitorSource } from "./visitor";
import type { Geo } from "./geo";
import type { RedirectStatus } from "../config";
import type { DomainRow } from "../domains/store";
import { shortUrl } from "../links/present";
import { isPixelType, vendorName } from "../pixels/vendors";

export interface RedirectDeps extends ResolveDeps {
  geo: Geo;
  clicks: ClickRecorder;
  unlocks: Unlocks;
  passwordLimiter: RateLimiter;
  now: () => Date;
  config: {
    trustProxy: boolean;
    baseUrl: string;
    rootRedirect: string | null;
    notFoundRedirect: string | null;
    redirectStatus: RedirectStatus;
    disableTrackParam: string | null;
    disableTrackingFrom: string[];
    appendExtraPath: boolean;
  };
}

type Server = AddressSource;

/** One visit's request, read lazily: most redirects need neither the country nor the agent. */
class VisitContext implements Visitor, VisitorSource {
  #country: string | null | undefined;
  readonly headers: Headers;
  readonly socketIp: string | null;
  readonly trustProxy: boolean;
  /** HEAD requests (link checkers) are answered but not counted as clicks. */
  readonly counts: boolean;
  /** Where the visitor came from, when not the request's Referer (a password form's post carries it). */
  referrer: string | null | undefined;
  /** The path after the slug ("/guide/x" of /abc/guide/x), appended to the destination's (--append-extra-path). */
  extraPath = "";
  constructor(readonly request: Request, readonly slug: string, server: Server, private readonly deps: RedirectDeps, readonly url = request.url) {
    this.counts = request.method !== "HEAD";
    this.headers = request.headers;
    this.socketIp = server?.requestIP(request)?.address ?? null;
    this.trustProxy = deps.config.trustProxy;
  }
  country(): string | null {
    return this.#country === undefined ? (this.#country = visitorCountry(this, this.deps.geo)) : this.#country;
  }
  device() {
    return agentOf(this.headers.get("user-agent")).device;
  }
  get search(): string {
    return searchOf(this.url);
  }
  get secure(): boolean {
    return cookiesSecure(this.request, this.deps.config);
  }
}

/** no-store whatever the status: a browser that kept a redirect would neither count its clicks nor see a changed destination. */
function redirectTo(location: string, status: RedirectStatus = 302, headers?: Record<string, string>): Response {
  const base = { location, "cache-control": "private, no-store" };
  return new Response(null, { status, headers: headers ? { ...base, ...headers } : base });
}

/** A redirect to a URL as a Location header wants it (serialised: "€" percent-encoded), or the 404 page without one. */
function redirectOr404(url: string | null | undefined): Response {
  return url ? redirectTo(new URL(url).href) : notFoundPage();
}

/** The query of a request URL without its "?", or "". */
function searchOf(url: string): string {
  const q = url.indexOf("?");
  return q === -1 ? "" : url.slice(q + 1);
}

/** The origin of an http(s) URL ("https://news.example/a?b" → "https://news.example"), or null. */
function originOf(url: string | null): string | null {
  if (!url || url.length > 2048) return null;
  const parsed = URL.parse(url);
  return parsed && (parsed.protocol === "https:" || parsed.protocol === "http:") ? parsed.origin : null;
}

/** Where a password form posts: back to the same short URL, with its query string. */
function formAction(slug: string, url: string): string {
  const search = searchOf(url);
  return `/${slug}${search ? `?${search}` : ""}`;
}

/** The path of a request URL without its slash and query ("http://host/abc?x=1" → "abc"), without parsing the URL. */
function slugOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2) + 1;
  const query = url.indexOf("?", start);
  return query === -1 ? url.slice(start) : url.slice(start, query);
}

function redirector(deps: RedirectDeps) {
  // Visits not to count (Shlink's DISABLE_TRACK_PARAM and DISABLE_TRACKING_FROM): with a parameter, which
  // the destination does not get, or from an address of one's own.
  const disableTrackParam = deps.config.disableTrackParam;
  const fromUntracked = addressMatcher(deps.config.disableTrackingFrom);
  // Parsing and matching an address cost ~2.5 µs, a fifth of a redirect: the verdicts are remembered by
  // the addresses as they came (the socket's, and a trusted proxy's header).
  const untrackedVerdicts = new ClockCache<boolean>(10_000);
  function untracked(visit: VisitContext): boolean {
    if (!fromUntracked) return false;
    const forwarded = visit.trustProxy ? forwardedIp(visit.headers) : null;
    // No address is longer than 45 characters: anything else a client sent is not worth keeping.
    if (forwarded !== null && forwarded.length > 45) return fromUntracked(pickClientIp(forwarded, visit.socketIp));
    const key = forwarded === null ? visit.socketIp ?? "" : `${visit.socketIp ?? ""} ${forwarded}`;
    let verdict = untrackedVerdicts.get(key);
    if (verdict === undefined) untrackedVerdicts.set(key, (verdict = fromUntracked(pickClientIp(forwarded, visit.socketIp))));
    return verdict;
  }

  /**
   * What a path that names no link answers: the custom domain's not-found URL when it has one, else the
   * install's not-found redirect (for the root, its root redirect first), else the 404 page.
   */
  function domainNotFound(domain: { notFoundUrl: string | null } | undefined, root = false): Response {
    const { rootRedirect, notFoundRedirect } = deps.config;
    return redirectOr404(domain?.notFoundUrl ?? (root ? rootRedirect : null) ?? notFoundRedirect);
  }

  /** The link behind the visit, or the response that replaces it (404, 410, a domain's not-found URL). */
  async function find(visit: VisitContext): Promise<RedirectLink | Response> {
    if (visit.slug === "api") return apiNotFound(); // /api and /api/ are the API's, not a short link's
    if (!aliasPattern.test(visit.slug)) return notFound(visit.request);
    const { domain, link } = await resolveShortUrl(deps, visit.request, visit.slug);
    if (!link || link.disabled) return domainNotFound(domain);
    if (link.expiresAt && link.expiresAt.getTime() <= deps.now().getTime()) return expiredPage();
    return link;
  }

  /** The custom domain the request's host is, if it is one. */
  async function domainOf(request: Request): Promise<DomainRow | undefined> {
    const host = hostOf(request);
    return deps.redirectCache.domain(host, () => deps.domains.byHost(host));
  }

  /** What a path that is no link answers, on the request's host (see domainNotFound). */
  async function notFound(request: Request, root = false): Promise<Response> {
    return domainNotFound(await domainOf(request), root);
  }

  /** The password form, unless the visitor's cookie has unlocked the link (or it has no password). */
  async function lockedPage(link: RedirectLink, visit: VisitContext): Promise<Response | null> {
    if (!link.passwordHash) return null;
    const unlocked = await deps.unlocks.unlocked({ id: link.id, passwordHash: link.passwordHash }, visit.request.headers.get("cookie"), deps.now());
    return unlocked ? null : passwordPage(formAction(visit.slug, visit.url), false, originOf(visit.headers.get("referer")), visit.extraPath);
  }

  /** `status`: the install's redirect status; after a password form's POST always 302 (a 307/308 would post the form on to the destination). */
  function sendOn(link: RedirectLink, visit: VisitContext, headers?: Record<string, string>, status = deps.config.redirectStatus): Response {
    let search = visit.search;
    let counts = visit.counts;
    if (disableTrackParam !== null && search) {
      const kept = withoutParameter(search, disableTrackParam);
      if (kept !== search) [search, counts] = [kept, false];
    }
    if (counts && untracked(visit)) counts = false;
    const chosen = pickDestination(link.longUrl, link.rules, visit);
    const destination = withVisitorQuery(visit.extraPath ? withExtraPath(chosen, visit.extraPath) : chosen, search);
    const userAgent = visit.headers.get("user-agent");
    if (counts) {
      const trusted = deps.config.trustProxy;
      deps.clicks.record({
        linkId: link.id,
        at: deps.now().getTime(),
        userAgent,
        socketIp: visit.socketIp,
        forwardedIp: trusted ? forwardedIp(visit.headers) : null,
        country: trusted ? cdnCountry(visit.headers) : null,
        referrer: visit.referrer !== undefined ? visit.referrer : visit.headers.get("referer"),
      });
    }
    // Crawlers and preview bots get a plain redirect, so previews show the destination.
    if (!link.pixels.length || agentOf(userAgent).bot) return redirectTo(destination, status, headers);
    const page = pixelPage(destination, link.pixels);
    for (const [name, value] of Object.entries(headers ?? {})) page.headers.set(name, value);
    return page;
  }

  async function get(visit: VisitContext): Promise<Response> {
    const link = await find(visit);
    if (link instanceof Response) return link;
    return (await lockedPage(link, visit)) ?? sendOn(link, visit);
  }

  /**
   * `/<slug>+`: where the link leads, shown before anyone follows it (as on YOURLS and Kutt); no click
   * is counted. A protected link's destination is not shown: the page says so and leads to its form.
   */
  async function preview(visit: VisitContext): Promise<Response> {
    if (isReservedSlug(visit.slug)) return notFound(visit.request);
    const link = await find(visit);
    if (link instanceof Response) return link;
    const [row, domain] = await Promise.all([deps.links.byId(link.id), domainOf(visit.request)]);
    const short = shortUrl(deps.config.baseUrl, domain?.host ?? null, visit.slug);
    if (link.passwordHash) return protectedPreviewPage(visit.slug, short);
    return previewPage({
      slug: visit.slug,
      shortUrl: short,
      title: row?.title ?? null,
      destination: link.longUrl,
      otherDestinations: link.rules.map((r) => r.value),
      trackers: [...new Set(link.pixels.flatMap((p) => (isPixelType(p.type) ? [vendorName(p.type)] : [])))],
    });
  }

  async function post(visit: VisitContext, body: unknown): Promise<Response> {
    const link = await find(visit);
    if (link instanceof Response) return link;
    if (!link.passwordHash) return sendOn(link, visit, undefined, 302);
    // Wrong guesses are limited per client and link; argon2 is too costly to let anyone call it freely.
    const key = `${clientIp(visit) ?? "?"}|${link.id}`;
    // Every try counts before it is checked, right or wrong: guesses sent all at once cannot each pass
    // the limit while the others are still being hashed.
    const limit = deps.passwordLimiter.hit(key);
    if (!limit.allowed) return tooManyRequestsPage(limit.retryAfterSeconds);
    const form = body as { password?: unknown; referrer?: unknown; path?: unknown } | null;
    // The post's own Referer is the form; where the visitor came from is in the form, and the path
    // after the slug the visit had (--append-extra-path).
    visit.referrer = typeof form?.referrer === "string" ? originOf(form.referrer) : null;
    if (deps.config.appendExtraPath && typeof form?.path === "string" && /^\/[^/]/.test(form.path) && form.path.length <= 2048) visit.extraPath = form.path;
    const password = form?.password;
    const right = typeof password === "string" && password.length <= 255
      && (await Bun.password.verify(password, link.passwordHash).catch(() => false));
    if (!right) return passwordPage(formAction(visit.slug, visit.url), true, visit.referrer, visit.extraPath);
    const cookie = await deps.unlocks.cookie({ id: link.id, passwordHash: link.passwordHash }, `/${visit.slug}`, visit.secure, deps.now());
    return sendOn(link, visit, { "set-cookie": cookie }, 302);
  }

  const noCustomDomain = () => !deps.domains.anyNow();

  /**
   * The hot path: a GET for an enabled, unexpired link, on a host seen before, is answered here,
   * synchronously and before any routing (a link not in the cache is read at once, as SQLite allows;
   * a reserved slug never names a link, so /healthz, /admin and /swagger go straight on to the app):
   * the redirect, or for a protected link and a visitor without cookies, its password form. Anything
   * else (a cookie to check, another page to show, an unknown slug, any other route) gives undefined
   * and takes the routes below.
   */
  function fast(request: Request, server: Server): Response | undefined {
    if (request.method !== "GET") return;
    const url = request.url;
    const slug = slugOf(url);
    if (!aliasPattern.test(slug)) return;
    let domainId: number | null = null;
    if (!deps.redirectCache.defaultDomainOnly(noCustomDomain)) {
      const domain = deps.redirectCache.peekHostHeader(request.headers.get("host") ?? "");
      if (!domain) return;
      domainId = domain.row?.id ?? null;
    }
    const link = deps.redirectCache.linkNow(domainId, slug, () => (isReservedSlug(slug) ? undefined : prepared(deps.links.forRedirectNow(domainId, slug))));
    if (!link || link.disabled) return;
    if (link.expiresAt && link.expiresAt.getTime() <= deps.now().getTime()) return;
    if (link.passwordHash) {
      const headers = request.headers;
      return headers.get("cookie") === null ? passwordPage(formAction(slug, url), false, originOf(headers.get("referer"))) : undefined;
    }
    return sendOn(link, new VisitContext(request, slug, server, deps, url));
  }

  return { fast, get, post, preview, notFound };
}

/**
 * The redirect fast path as the server's first look at every request (see serveApp in app.ts): the
 * answer to a GET of a cached link, or undefined, and the app answers. An error (e.g. the database is
 * busy) also leaves the request to the app, whose own path answers it with its error pages.
 */
export function fastRedirects(deps: RedirectDeps): (request: Request, server: Server) => Response | undefined {
  const { fast } = redirector(deps);
  return (request, server) => {
    let answer: Response | undefined;
    try {
      answer = fast(request, server);
    } catch {
      return undefined;
    }
    if (answer) deps.clicks.served(); // the app notes the requests it answers itself
    return answer;
  };
}

// Crawlers may follow short links: link previews need to, and search engines index where a redirect
// leads, not the short URL (kurz's own pages, a password form or a 404, say noindex). The API, the admin
// page and the docs are not for crawlers. The same on every host.
// ("$" ends a rule, so that aliases such as /administration or /swagger-tips stay crawlable.)
const ROBOTS = "User-agent: *\nDisallow: /api/\nDisallow: /admin$\nDisallow: /admin/\nDisallow: /swagger$\nDisallow: /swagger/\n";
const robotsTxt = () => new Response(ROBOTS, { headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "public, max-age=86400" } });

export function redirectRoutes(deps: RedirectDeps) {
  const { get, post, preview, notFound } = redirector(deps);
  const hidden = { detail: { hide: true } };
  // A slug never ends in "+" (see aliasPattern): "/<slug>+" is the link's preview. Elysia's slug is null
  // for a path it cannot decode ("/%"), which names no link.
  const answer = (request: Request, param: string | null, server: Server | null) => {
    const slug = param ?? "";
    return slug.endsWith("+") ? preview(new VisitContext(request, slug.slice(0, -1), server, deps)) : get(new VisitContext(request, slug, server, deps));
  };
  // Any other path (the root, /a/b, /favicon.ico) names no link either: visitors go to the not-found
  // URL of the custom domain or of the install, when there is one. The API's own paths keep their JSON 404.
  // With --append-extra-path, /<slug>/more/path is the link's, with /more/path for its destination.
  const elsewhere = ({ request, server }: { request: Request; server: Server | null }) => {
    if (isApi(request)) return apiNotFound();
    // The admin page's and the docs' own paths (an asset that is not there) are their 404, not a link's.
    if (/^\/(admin|swagger)\//.test(pathOf(request.url))) return notFoundPage();
    if (deps.config.appendExtraPath) {
      const path = new URL(request.url).pathname;
      const cut = path.indexOf("/", 1);
      const slug = path.slice(1, cut);
      if (cut > 1 && path.length > cut + 1 && aliasPattern.test(slug)) {
        const visit = new VisitContext(request, slug, server, deps);
        visit.extraPath = path.slice(cut);
        return get(visit);
      }
    }
    return notFound(request);
  };
  return new Elysia({ name: "redirect" })
    .get("/robots.txt", robotsTxt, hidden)
    .get("/", ({ request }) => notFound(request, true), hidden)
    .get("/*", elsewhere, hidden)
    .get("/:slug", ({ request, params, server }) => answer(request, params.slug, server), hidden)
    .head("/:slug", async ({ request, params, server }) => {
      const response = await answer(request, params.slug, server);
      return new Response(null, { status: response.status, headers: response.headers });
    }, hidden)
    .post("/:slug", ({ request, params, server, body }) => post(new VisitContext(request, params.slug, server, deps), body), hidden);
}
