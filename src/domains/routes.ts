// /api/domains: custom domains, owner-scoped (admins see all).
import { Elysia, t } from "elysia";
import { apiAuth, securityDocs, type AuthDeps } from "../auth/plugin";
import { formatDate } from "../http/dates";
import { errorResponses } from "../http/envelope";
import { idParams } from "../http/schema";
import { addDomain, changeDomain, listDomains, removeDomain, type DomainDeps } from "./service";
import type { DomainRow } from "./store";

export const domainJson = t.Object({
  id: t.Number({ examples: [3] }),
  host: t.String({ examples: ["go.example.com"] }),
  not_found_url: t.Nullable(t.String({ examples: ["https://example.com/"] })),
  created_at: t.String({ examples: ["2026-11-24 13:33:17"] }),
});

export const presentDomain = (d: DomainRow) => ({
  id: d.id, host: d.host, not_found_url: d.notFoundUrl, created_at: formatDate(d.createdAt),
});

const notFoundUrlField = t.Optional(t.Nullable(t.String({
  maxLength: 2048, error: "This url is not valid.", description: "Where visitors of any path on this host that is no link are sent (its root too); null: the 404 page",
})));

const detail = (summary: string, description?: string) => ({ tags: ["Domains"], summary, description, security: securityDocs });

export function domainRoutes(deps: DomainDeps & AuthDeps) {
  return new Elysia({ prefix: "/api/domains" })
    .use(apiAuth(deps))
    .post("/", async ({ body, user }) => ({ status: "success" as const, domain: presentDomain(await addDomain(deps, user, body)) }), {
      parse: "json",
      body: t.Object({
        host: t.String({ maxLength: 253, error: "The host must be a domain name like go.example.com.", examples: ["go.example.com"] }),
        not_found_url: notFoundUrlField,
      }),
      response: { 200: t.Object({ status: t.Literal("success"), domain: domainJson }), ...errorResponses(400, 413, 422) },
      detail: detail("Add a custom domain", "Point the host's DNS at kurz; its links get `https://<host>/<slug>` short URLs."),
    })
    .get("/", async ({ user }) => ({ status: "success" as const, domains: (await listDomains(deps, user)).map(presentDomain) }), {
      response: { 200: t.Object({ status: t.Literal("success"), domains: t.Array(domainJson) }), ...errorResponses() },
      detail: detail("List your custom domains", "Admins see every user's domains."),
    })
    .patch("/:id", async ({ params, body, user }) => ({ status: "success" as const, domain: presentDomain(await changeDomain(deps, user, params.id, body)) }), {
      params: idParams,
      body: t.Object({ not_found_url: notFoundUrlField }),
      response: { 200: t.Object({ status: t.Literal("success"), domain: domainJson }), ...errorResponses(400, 404, 413, 422) },
      detail: detail("Change a custom domain", "Sets or clears (null) its not-found URL; the host itself cannot change."),
    })
    .delete("/:id", async ({ params, user }) => {
      await removeDomain(deps, user, params.id);
      return { status: "success" as const };
    }, {
      params: idParams,
      response: { 200: t.Object({ status: t.Literal("success") }), ...errorResponses(400, 404, 409, 413, 422) },
      detail: detail("Delete a custom domain", "Refused with 409 while links still use it."),
    });
}
