// /api/links: the seed's create endpoint, and list, get, change and delete.
import { Elysia, t } from "elysia";
import { apiAuth, securityDocs, type AuthDeps } from "../auth/plugin";
import type { ClickStore } from "../clicks/store";
import { errorResponses } from "../http/envelope";
import { checkFieldsOnSchemaFailure } from "../http/plugin";
import { idParams, oneOf, wholeNumber } from "../http/schema";
import { createLinkBody, linkJson, patchLinkBody, type CreateLinkBody } from "./model";
import { presentLink } from "./present";
import { checkCreate, checkPatch, createLinks, deleteLink, listLinks, lookUpLink, ownedLink, updateLink, type LinkDeps, type PatchLinkBody } from "./service";
import { LINK_SORTS, type LinkRecord } from "./store";

// Clients (the seed's PHP example among them) send null for "not given"; in a PATCH it means "clear".
// Nulls are taken out before validation and remembered per request.
const nulls = new WeakMap<Request, Set<string>>();
function takeNulls({ body, request }: { body: unknown; request: Request }): void {
  if (typeof body !== "object" || body === null) return;
  const record = body as Record<string, unknown>;
  const cleared = new Set<string>();
  for (const key of Object.keys(record)) {
    if (record[key] === null) {
      cleared.add(key);
      delete record[key];
    }
  }
  nulls.set(request, cleared);
}

export interface LinkRouteDeps extends LinkDeps, AuthDeps {
  clickStore: ClickStore;
  config: { baseUrl: string; appendExtraPath: boolean };
}

const detail = (summary: string, description?: string) => ({ tags: ["Links"], summary, description, security: securityDocs });
const oneLink = t.Object({ status: t.Literal("success"), link: linkJson });

export function linkRoutes(deps: LinkRouteDeps) {
  const present = async (records: LinkRecord[]) => {
    const clicks = await deps.clickStore.countByLinks(records.map((r) => r.link.id));
    return records.map((r) => presentLink(r, deps.config.baseUrl, clicks.get(r.link.id) ?? 0));
  };

  return new Elysia({ prefix: "/api/links" })
    .use(apiAuth(deps))
    .post("/create", async ({ body, user }) => {
      const records = await createLinks(deps, user, body);
      // A link found by find_if_exists may have clicks already; a new one has none to count.
      const links = body.find_if_exists ? await present(records) : records.map((r) => presentLink(r, deps.config.baseUrl));
      return body.multiple_urls ? { status: "success" as const, links } : { status: "success" as const, link: links[0]! };
    }, {
      transform: (context) => {
        takeNulls(context);
        // A field of the wrong type is answered together with what the other fields' checks find.
        checkFieldsOnSchemaFailure(context.request, (rest, problems, refused) => {
          checkCreate(rest as CreateLinkBody, deps.now(), problems);
          // A destination was sent, of the wrong type: its own message says so, not "required".
          if (refused.has("long_url") || refused.has("multiple_urls")) delete problems.messages.long_url;
        });
      },
      // The global API parser reads the body; naming "json" here documents it as application/json.
      parse: "json",
      body: createLinkBody,
      response: {
        200: t.Union([oneLink, t.Object({ status: t.Literal("success"), links: t.Array(linkJson) })], {
          description: "The created link, or `links` when `multiple_urls` was sent",
        }),
        ...errorResponses(400, 413, 422),
      },
      detail: detail("Create a short link", "Needs the `api.access` permission. Send exactly one of `long_url` or `multiple_urls`; every other field is optional. Unknown fields are ignored; null counts as not given."),
    })
    .get("/", async ({ query, user }) => {
      const { records, pagination } = await listLinks(deps, user, query, () => deps.clickStore.pendingByLink());
      return { status: "success" as const, links: await present(records), pagination };
    }, {
      query: t.Object({
        page: t.Optional(wholeNumber("page", { minimum: 1, maximum: 1_000_000, error: "The page must be a whole number from 1.", default: 1 })),
        per_page: t.Optional(wholeNumber("per_page", { minimum: 1, maximum: 100, error: "The per_page must be a whole number from 1 to 100.", default: 20 })),
        tag: t.Optional(t.String({ maxLength: 50, description: "Only links with this tag" })),
        q: t.Optional(t.String({ maxLength: 200, description: "Search in slug, destination, title and description" })),
        sort: t.Optional(oneOf(LINK_SORTS, {
          error: `The sort must be one of ${LINK_SORTS.join(", ")}.`,
          description: "created_at (default), clicks (human clicks, as each link shows them; this adds up the hourly counts of every link listed: ~25 ms at 10,000 links with 360,000 of them, ~1 s at a million with 4 million), title or slug",
        })),
        order: t.Optional(oneOf(["asc", "desc"] as const, { error: "The order must be asc or desc.", description: "desc by default for created_at and clicks, asc for title and slug" })),
      }),
      response: {
        200: t.Object({
          status: t.Literal("success"),
          links: t.Array(linkJson),
          pagination: t.Object({ page: t.Number(), per_page: t.Number(), total: t.Number() }),
        }),
        ...errorResponses(422),
      },
      detail: detail("List your links", "Newest first (or by `sort`), each with its clicks. Admins see every user's links."),
    })
    .get("/lookup", async ({ query, user }) => ({
      status: "success" as const, link: (await present([await lookUpLink(deps, user, query, deps.config)]))[0]!,
    }), {
      query: t.Object({
        short_url: t.Optional(t.String({ maxLength: 2100, description: "A short URL as shared, e.g. https://go.example.com/promo", examples: ["http://localhost:8080/oV5Ox1"] })),
        slug: t.Optional(t.String({ maxLength: 64, description: "Or the slug (hash or alias)" })),
        domain_id: t.Optional(wholeNumber("domain_id", { minimum: 1, maximum: 2 ** 53 - 1, error: "The domain_id must be a positive integer.", description: "With slug: the custom domain it is on (none: the default domain)" })),
      }),
      response: { 200: oneLink, ...errorResponses(404, 422) },
      detail: detail("Find a link by its short URL", "Give `short_url` (its host picks the domain, as a visit would) or `slug` with an optional `domain_id`. Admins find any user's link."),
    })
    .get("/:id", async ({ params, user }) => ({
      status: "success" as const, link: (await present([await ownedLink(deps, user, params.id)]))[0]!,
    }), {
      params: idParams,
      response: { 200: oneLink, ...errorResponses(404, 422) },
      detail: detail("Get a link"),
    })
    .patch("/:id", async ({ params, body, user, request }) => {
      const record = await updateLink(deps, user, params.id, body, nulls.get(request) ?? new Set());
      return { status: "success" as const, link: (await present([record]))[0]! };
    }, {
      transform: (context) => {
        takeNulls(context);
        checkFieldsOnSchemaFailure(context.request, (rest, problems) => void checkPatch(rest as PatchLinkBody, nulls.get(context.request) ?? new Set(), deps.now(), problems));
      },
      parse: "json",
      params: idParams,
      body: patchLinkBody,
      response: { 200: oneLink, ...errorResponses(400, 404, 413, 422) },
      detail: detail("Change a link", "Takes the create fields except multiple_urls; null clears a field (not long_url or disabled). Same validation and errors as create."),
    })
    .delete("/:id", async ({ params, user }) => {
      await deleteLink(deps, user, params.id);
      return { status: "success" as const };
    }, {
      params: idParams,
      response: { 200: t.Object({ status: t.Literal("success") }), ...errorResponses(400, 404, 413, 422) },
      detail: detail("Delete a link", "Its slug is free again at once."),
    });
}
