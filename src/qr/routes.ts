// QR codes of short URLs, SVG by default or PNG: at /:slug/qr on the short URL's own host, and at
// /api/links/:id/qr for the owner (same origin as the admin page, whatever the link's domain).
import { Elysia, t } from "elysia";
import { apiAuth, securityDocs, type AuthDeps } from "../auth/plugin";
import { errorDocs } from "../http/envelope";
import { apiNotFound } from "../http/plugin";
import { idParams, oneOf, wholeNumber } from "../http/schema";
import { shortUrl } from "../links/present";
import { ownedLink, type LinkDeps } from "../links/service";
import { aliasPattern } from "../links/slug";
import { ClockCache } from "../redirect/cache";
import { notFoundPage, tooManyRequestsPage } from "../redirect/pages";
import { requestClientIp } from "../redirect/visitor";
import { createRateLimiter } from "../http/rate-limit";
import { resolveShortUrl, type ResolveDeps } from "../redirect/resolve";

export interface QrDeps extends ResolveDeps, LinkDeps, AuthDeps {
  config: { baseUrl: string; trustProxy: boolean };
}

const qrQuery = t.Object({
  format: t.Optional(oneOf(["svg", "png"], { error: "The format must be svg or png." })),
  size: t.Optional(wholeNumber("size", { minimum: 64, maximum: 2048, error: "The size must be a whole number of pixels from 64 to 2048." })),
});

// A big PNG takes ~150 ms of the one thread that also serves redirects: images made are kept (a QR code
// on a poster's web page is asked for by every visitor), and the public route is limited per client.
const made = new ClockCache<Uint8Array<ArrayBuffer> | string>(200);

async function qrResponse(url: string, query: typeof qrQuery.static): Promise<Response> {
  const png = query.format === "png";
  const width = query.size ?? 256;
  const key = `${png ? "png" : "svg"} ${width} ${url}`;
  let image = made.get(key);
  if (image === undefined) {
    // Loaded on the first QR code asked for, not at start-up.
    const { default: QRCode } = await import("qrcode");
    const options = { width, margin: 2, errorCorrectionLevel: "M" } as const;
    image = png ? new Uint8Array(await QRCode.toBuffer(url, { ...options, type: "png" })) : await QRCode.toString(url, { ...options, type: "svg" });
    made.set(key, image);
  }
  const headers = { "cache-control": "private, max-age=3600", "x-content-type-options": "nosniff" };
  if (png) return new Response(image, { headers: { ...headers, "content-type": "image/png" } });
  return new Response(image, { headers: { ...headers, "content-type": "image/svg+xml; charset=utf-8", "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'" } });
}

/** The 200 of both QR routes in the OpenAPI document: an image, not JSON. */
const qrImage = {
  description: "The QR code: SVG, or PNG with `?format=png`",
  content: { "image/svg+xml": { schema: { type: "string" } }, "image/png": { schema: { type: "string", format: "binary" } } },
} as const;

export function qrRoutes(deps: QrDeps) {
  const perClient = createRateLimiter({ limit: 60, windowMs: 60_000 });
  return new Elysia({ name: "qr" })
    .get("/:slug/qr", async ({ params, query, request, server }) => {
      if (params.slug === "api") return apiNotFound();
      if (!aliasPattern.test(params.slug)) return notFoundPage();
      const ip = requestClientIp(request, server, deps.config.trustProxy);
      const limit = perClient.hit(ip ?? "?");
      if (!limit.allowed) return tooManyRequestsPage(limit.retryAfterSeconds);
      const { domain, link } = await resolveShortUrl(deps, request, params.slug);
      if (!link) return notFoundPage();
      return qrResponse(shortUrl(deps.config.baseUrl, domain?.host ?? null, params.slug), query);
    }, {
      query: qrQuery,
      detail: {
        tags: ["Links"], summary: "QR code of a short link",
        description: "`/{slug}/qr` on the short URL's host answers SVG; `?format=png&size=512` a PNG of that width (default SVG, 256 pixels). An unknown slug answers the HTML not-found page; more than 60 images a minute from one client, a 429 page.",
        responses: { 200: qrImage, 404: { description: "No such short link (an HTML page)", content: { "text/html": { schema: { type: "string" as const } } } }, 422: errorDocs(422)[422]! },
      },
    })
    .use(new Elysia({ prefix: "/api/links" })
      .use(apiAuth(deps))
      .get("/:id/qr", async ({ params, query, user }) => {
        const record = await ownedLink(deps, user, params.id);
        return qrResponse(shortUrl(deps.config.baseUrl, record.domainHost, record.link.slug), query);
      }, {
        params: idParams,
        query: qrQuery,
        // Documented in detail: a `response` map would make every answer JSON in the document.
        detail: {
          tags: ["Links"], summary: "QR code of one of your links", description: "The same image as `/{slug}/qr`, for any of your links whatever its domain.", security: securityDocs,
          responses: { 200: qrImage, ...errorDocs(404, 422) },
        },
      }));
}
