// Slugs: the random hash and the rules for custom aliases.
import { customAlphabet } from "nanoid";

const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export function hashGenerator(length: number): () => string {
  return customAlphabet(alphabet, length);
}

export const aliasPattern = /^[A-Za-z0-9_-]{1,64}$/;

// Paths kurz itself answers on, or that browsers and crawlers ask for: never a link's slug.
export const reservedSlugs = new Set([
  "api", "admin", "swagger", "healthz", "assets", "favicon.ico", "robots.txt", "static", "login", "logout",
  "docs", "openapi", "metrics", "status", "health", "well-known", ".well-known", "sitemap.xml", "humans.txt",
  "apple-touch-icon.png", "manifest.json", "security.txt", "ads.txt",
]);

export function isReservedSlug(slug: string): boolean {
  return reservedSlugs.has(slug.toLowerCase());
}
