// /api/pixels: retargeting pixels, owner-scoped (admins see all).
import { Elysia, t } from "elysia";
import { apiAuth, securityDocs, type AuthDeps } from "../auth/plugin";
import { formatDate } from "../http/dates";
import { errorResponses } from "../http/envelope";
import { idParams, oneOf } from "../http/schema";
import { addPixel, listPixels, removePixel, type PixelDeps } from "./service";
import type { PixelRow } from "./store";
import { PIXEL_TYPES, type PixelType } from "./vendors";

export const pixelJson = t.Object({
  id: t.Number({ examples: [7] }),
  name: t.String({ examples: ["Main Meta pixel"] }),
  type: oneOf(PIXEL_TYPES),
  pixel_id: t.String({ examples: ["1234567890123456"] }),
  created_at: t.String({ examples: ["2026-11-24 13:33:17"] }),
});

export const presentPixel = (p: PixelRow) => ({
  id: p.id, name: p.name, type: p.type as PixelType, pixel_id: p.pixelId, created_at: formatDate(p.createdAt),
});

const detail = (summary: string, description?: string) => ({ tags: ["Pixels"], summary, description, security: securityDocs });

export function pixelRoutes(deps: PixelDeps & AuthDeps) {
  return new Elysia({ prefix: "/api/pixels" })
    .use(apiAuth(deps))
    .post("/", async ({ body, user }) => ({ status: "success" as const, pixel: presentPixel(await addPixel(deps, user, body)) }), {
      parse: "json",
      body: t.Object({
        name: t.String({ maxLength: 100, error: "The name must be 1 to 100 characters.", examples: ["Main Meta pixel"] }),
        type: t.String({ maxLength: 40, error: `The type must be one of ${PIXEL_TYPES.join(", ")}.`, enum: [...PIXEL_TYPES] as string[], examples: ["facebook"] }),
        pixel_id: t.String({ maxLength: 100, error: "The pixel_id must be the id the vendor gave you.", examples: ["1234567890123456"] }),
      }),
      response: { 200: t.Object({ status: t.Literal("success"), pixel: pixelJson }), ...errorResponses(400, 413, 422) },
      detail: detail("Add a retargeting pixel", "The pixel_id is checked against the vendor's id format."),
    })
    .get("/", async ({ user }) => ({ status: "success" as const, pixels: (await listPixels(deps, user)).map(presentPixel) }), {
      response: { 200: t.Object({ status: t.Literal("success"), pixels: t.Array(pixelJson) }), ...errorResponses() },
      detail: detail("List your pixels", "Admins see every user's pixels."),
    })
    .delete("/:id", async ({ params, user }) => {
      await removePixel(deps, user, params.id);
      return { status: "success" as const };
    }, {
      params: idParams,
      response: { 200: t.Object({ status: t.Literal("success") }), ...errorResponses(400, 404, 413, 422) },
      detail: detail("Delete a pixel", "Links that used it stop firing it."),
    });
}
