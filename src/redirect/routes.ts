// GET/HEAD /:slug sends the visitor on; POST /:slug takes a protected link's password.
import { Elysia } from "elysia";
import type { DomainStore } from "../domains/store";
import type { LinkStore, RedirectLink } from "../links/store";
import { aliasPattern } from "../links/slug";
import { withVisitorQuery } from "../links/url";
import { expiredPage, notFoundPage, passwordPage } from "./pages";
import { pickDestination, type Visitor } from "./rules";
import { deviceOf, visitorCountry, type Geo, type Device } from "./visitor";

export interface RedirectDeps {
  links: LinkStore;
  domains: DomainStore;
  geo: Geo;
  now: () => Date;
  trustProxy: boolean;
}

interface Visit {
  request: Request;
  slug: string;
  socketIp: string | null;
}

function hostOf(request: Request): string {
  const host = request.headers.get("host") ?? "";
  return host.replace(/:\d+$/, "").replace(/\.$/, "").toLowerCase();
}

function searchOf(request: Request): string {
  const q = request.url.indexOf("?");
  return q === -1 ? "" : request.url.slice(q + 1);
}

function redirectTo(location: string): Response {
  return new Response(null, { status: 302, headers: { location, "cache-control": "private, no-store" } });
}

export function redirectRoutes(deps: RedirectDeps) {
  function visitorOf(visit: Visit): Visitor {
    let country: string | null | undefined;
    let device: Device | null | undefined;
    const source = { headers: visit.request.headers, socketIp: visit.socketIp, trustProxy: deps.trustProxy };
    return {
      country: () => (country === undefined ? (country = visitorCountry(source, deps.geo)) : country),
      device: () => (device === undefined ? (device = deviceOf(visit.request.headers.get("user-agent"))) : device),
    };
  }

  /** The link behind the visit, or the response that replaces it (404, 410, a domain's not-found URL). */
  async function find(visit: Visit): Promise<RedirectLink | Response> {
    if (!aliasPattern.test(visit.slug)) return notFoundPage();
    const domain = await deps.domains.byHost(hostOf(visit.request));
    const link = await deps.links.forRedirect(domain?.id ?? null, visit.slug);
    if (!link || link.disabled) return domain?.notFoundUrl ? redirectTo(domain.notFoundUrl) : notFoundPage();
    if (link.expiresAt && link.expiresAt.getTime() <= deps.now().getTime()) return expiredPage();
    return link;
  }

  function sendOn(link: RedirectLink, visit: Visit): Response {
    const destination = pickDestination(link.longUrl, link.rules, visitorOf(visit));
    return redirectTo(withVisitorQuery(destination, searchOf(visit.request)));
  }

  function formAction(visit: Visit): string {
    const search = searchOf(visit.request);
    return `/${visit.slug}${search ? `?${search}` : ""}`;
  }

  async function get(visit: Visit): Promise<Response> {
    const link = await find(visit);
    if (link instanceof Response) return link;
    if (link.passwordHash) return passwordPage(formAction(visit), false);
    return sendOn(link, visit);
  }

  async function post(visit: Visit, body: unknown): Promise<Response> {
    const link = await find(visit);
    if (link instanceof Response) return link;
    if (!link.passwordHash) return sendOn(link, visit);
    const password = (body as { password?: unknown } | null)?.password;
    const right = typeof password === "string" && password.length <= 255
      && (await Bun.password.verify(password, link.passwordHash).catch(() => false));
    return right ? sendOn(link, visit) : passwordPage(formAction(visit), true);
  }

  const visit = (request: Request, slug: string, server: { requestIP(r: Request): { address: string } | null } | null): Visit => ({
    request, slug, socketIp: server?.requestIP(request)?.address ?? null,
  });
  const hidden = { detail: { hide: true } };

  return new Elysia({ name: "redirect" })
    .get("/:slug", ({ request, params, server }) => get(visit(request, params.slug, server)), hidden)
    .head("/:slug", async ({ request, params, server }) => {
      const response = await get(visit(request, params.slug, server));
      return new Response(null, { status: response.status, headers: response.headers });
    }, hidden)
    .post("/:slug", ({ request, params, server, body }) => post(visit(request, params.slug, server), body), hidden);
}
