// The one HTML escaper: a template tag that escapes every interpolated value unless it is already SafeHtml.
import { createHash } from "node:crypto";

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => entities[c]!);
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === null || value === undefined || value === false) return "";
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}

/** A CSP source for an inline <style> or <script>, so pages need no 'unsafe-inline'. */
export function cspHash(content: string): string {
  return `'sha256-${createHash("sha256").update(content).digest("base64")}'`;
}

export const securityHeaders = {
  // No kurz page is content to find in a search engine (a password form, a 404, the admin page).
  "x-robots-tag": "noindex",
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
  "x-frame-options": "DENY",
};

export function htmlResponse(body: SafeHtml, init: { status?: number; csp: string; headers?: Record<string, string> }): Response {
  return new Response(body.value, {
    status: init.status ?? 200,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": init.csp,
      "cache-control": "no-store",
      ...securityHeaders,
      ...init.headers,
    },
  });
}
