// /api/links: the seed's create endpoint.
import { Elysia, t } from "elysia";
import { apiAuth, securityDocs } from "../auth/plugin";
import { errorResponses } from "../http/envelope";
import type { UserStore } from "../users/store";
import { createLinkBody, linkJson } from "./model";
import { presentLink } from "./present";
import { createLinks, type LinkDeps } from "./service";

function dropNulls(body: Record<string, unknown>): void {
  for (const key of Object.keys(body)) if (body[key] === null) delete body[key];
}

export interface LinkRouteDeps extends LinkDeps {
  users: UserStore;
  config: { baseUrl: string };
}

export function linkRoutes(deps: LinkRouteDeps) {
  return new Elysia({ prefix: "/api/links" })
    .use(apiAuth(deps.users))
    .post("/create", async ({ body, user }) => {
      const records = await createLinks(deps, user, body);
      const links = records.map((r) => presentLink(r, deps.config.baseUrl));
      return body.multiple_urls ? { status: "success" as const, links } : { status: "success" as const, link: links[0]! };
    }, {
      // Clients (the seed's PHP example among them) send null for "not given": treat it so.
      transform({ body }) {
        dropNulls(body as Record<string, unknown>);
      },
      // The global API parser reads the body; naming "json" here documents it as application/json.
      parse: "json",
      body: createLinkBody,
      response: {
        200: t.Union([
          t.Object({ status: t.Literal("success"), link: linkJson }),
          t.Object({ status: t.Literal("success"), links: t.Array(linkJson) }),
        ], { description: "The created link, or `links` when `multiple_urls` was sent" }),
        ...errorResponses,
      },
      detail: {
        tags: ["Links"],
        summary: "Create a short link",
        description: "Needs the `api.access` permission. Send exactly one of `long_url` or `multiple_urls`; every other field is optional. Unknown fields are ignored.",
        security: securityDocs,
      },
    });
}
