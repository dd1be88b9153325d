// The page that fires a link's retargeting pixels, then sends the visitor on (script, with a
// <meta refresh> and a link as fallbacks). Its CSP allows exactly the vendors' hosts and its own scripts.
import { cspHash, html, htmlResponse, SafeHtml } from "../../http/html";
import type { LinkPixel } from "../../links/store";
import { isPixelType, pixelSnippet, type PixelSnippet } from "../../pixels/vendors";

// How long the pixels get before the visitor moves on; the meta refresh is the no-script fallback.
const DELAY_MS = 600;
const style = "body{font:16px system-ui,sans-serif;color:#4a5266;text-align:center;padding-top:20vh}img{display:none}";

/** JSON that is safe inside a <script> element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

function directive(name: string, sources: string[]): string {
  const unique = [...new Set(sources)];
  return `${name} ${unique.length ? unique.join(" ") : "'none'"}`;
}

// Pages made before, by the link's pixel list (the redirect cache's, so they go with it) and destination:
// the CSP's script hashes and the markup are the same for every visit without a query string of its own.
const made = new WeakMap<LinkPixel[], Map<string, { body: SafeHtml; csp: string }>>();
const DESTINATIONS_KEPT = 16;

export function pixelPage(destination: string, pixels: LinkPixel[]): Response {
  let pages = made.get(pixels);
  if (pages === undefined) made.set(pixels, (pages = new Map()));
  let page = pages.get(destination);
  if (page === undefined) {
    if (pages.size >= DESTINATIONS_KEPT) pages.clear();
    pages.set(destination, (page = renderPixelPage(destination, pixels)));
  }
  return htmlResponse(page.body, { csp: page.csp });
}

function renderPixelPage(destination: string, pixels: LinkPixel[]): { body: SafeHtml; csp: string } {
  const snippets: PixelSnippet[] = pixels.flatMap((p) => (isPixelType(p.type) ? [pixelSnippet(p.type, p.id)] : []));
  const all = (pick: (s: PixelSnippet) => string[]) => snippets.flatMap(pick);
  const go = `setTimeout(function(){location.replace(${scriptJson(destination)})},${DELAY_MS});`;
  const inline = [...all((s) => s.inlineScripts), go];
  const csp = [
    "default-src 'none'",
    directive("script-src", [...inline.map(cspHash), ...all((s) => s.csp.script)]),
    directive("img-src", all((s) => s.csp.img)),
    directive("connect-src", all((s) => s.csp.connect)),
    directive("frame-src", all((s) => s.csp.frame)),
    `style-src ${cspHash(style)}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
  const body = html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><meta http-equiv="refresh" content="${`2;url=${destination}`}"><title>Redirecting…</title><style>${new SafeHtml(style)}</style>${inline.map((js) => html`<script>${new SafeHtml(js)}</script>`)}${all((s) => s.externalScripts).map((src) => html`<script async src="${src}"></script>`)}</head><body><p>Redirecting to <a href="${destination}">${new URL(destination).host}</a>…</p><noscript>${all((s) => s.images).map((src) => html`<img src="${src}" width="1" height="1" alt="">`)}</noscript></body></html>`;
  return { body, csp };
}
