// GET /:slug/qr: the short URL as a QR code, SVG by default or PNG.
import { Elysia, t } from "elysia";
import { oneOf } from "../http/schema";
import QRCode from "qrcode";
import { aliasPattern } from "../links/slug";
import { shortUrl } from "../links/present";
import { resolveShortUrl, type ResolveDeps } from "../redirect/resolve";
import { notFoundPage } from "../redirect/pages";

export interface QrDeps extends ResolveDeps {
  config: { baseUrl: string };
}

export function qrRoutes(deps: QrDeps) {
  return new Elysia({ name: "qr" }).get("/:slug/qr", async ({ params, query, request }) => {
    if (!aliasPattern.test(params.slug)) return notFoundPage();
    const { domain, link } = await resolveShortUrl(deps, request, params.slug);
    if (!link) return notFoundPage();
    const url = shortUrl(deps.config.baseUrl, domain?.host ?? null, params.slug);
    const size = query.size ?? 256;
    const headers = { "cache-control": "public, max-age=3600", "x-content-type-options": "nosniff" };
    if (query.format === "png") {
      const png = await QRCode.toBuffer(url, { type: "png", width: size, margin: 2, errorCorrectionLevel: "M" });
      return new Response(new Uint8Array(png), { headers: { ...headers, "content-type": "image/png" } });
    }
    const svg = await QRCode.toString(url, { type: "svg", width: size, margin: 2, errorCorrectionLevel: "M" });
    return new Response(svg, { headers: { ...headers, "content-type": "image/svg+xml; charset=utf-8", "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'" } });
  }, {
    query: t.Object({
      format: t.Optional(oneOf(["svg", "png"], { error: "The format must be svg or png." })),
      size: t.Optional(t.Number({ multipleOf: 1, minimum: 64, maximum: 2048, error: "The size must be a whole number of pixels from 64 to 2048." })),
    }),
    detail: { tags: ["Links"], summary: "QR code of a short link", description: "`/{slug}/qr` answers SVG; `?format=png&size=512` a PNG of that width." },
  });
}
