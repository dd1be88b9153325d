// GET /api/links/:id/stats: a link's clicks by day, country, device, browser, OS and referrer.
import { Elysia, t } from "elysia";
import { apiAuth, securityDocs, type AuthDeps } from "../auth/plugin";
import { errorResponses } from "../http/envelope";
import { idParams } from "../http/schema";
import { linkStats, type StatsDeps } from "./stats";
import { MAX_LIST } from "./store";

const counted = t.Array(t.Object({ key: t.String(), clicks: t.Number() }), {
  description: `Biggest first; human clicks only; "unknown" where a click did not tell; at most ${MAX_LIST} entries`,
});

export const statsJson = t.Object({
  total: t.Number({ description: "Human clicks in the range", examples: [42] }),
  bots: t.Number({ description: "Clicks by crawlers and bots, counted apart", examples: [3] }),
  days: t.Array(t.Object({ date: t.String({ examples: ["2026-11-24"] }), clicks: t.Number() }), { description: "Every day of the range, oldest first" }),
  countries: counted,
  devices: counted,
  browsers: counted,
  os: counted,
  referrers: counted,
});

export function statsRoutes(deps: StatsDeps & AuthDeps) {
  return new Elysia({ prefix: "/api/links" })
    .use(apiAuth(deps))
    .get("/:id/stats", async ({ params, query, user }) => ({
      status: "success" as const,
      stats: await linkStats(deps, user, params.id, query),
    }), {
      params: idParams,
      query: t.Object({
        from: t.Optional(t.String({ maxLength: 40, description: "First day, `YYYY-MM-DD` (UTC, or `tz`); default: the link's creation day, or the last 1098 days of an older link", examples: ["2026-11-01"] })),
        to: t.Optional(t.String({ maxLength: 40, description: "Last day included, `YYYY-MM-DD` (UTC, or `tz`); default: today", examples: ["2026-11-30"] })),
        tz: t.Optional(t.String({ maxLength: 64, description: "The time zone whose days `from`, `to` and `days` are (an IANA name); default UTC. Clicks are kept by the hour: in a zone whose offset is not whole hours an hour counts on the day it starts", examples: ["Europe/Berlin"] })),
      }),
      response: { 200: t.Object({ status: t.Literal("success"), stats: statsJson }), ...errorResponses(404, 422) },
      detail: { tags: ["Stats"], summary: "A link's click statistics", security: securityDocs },
    });
}
