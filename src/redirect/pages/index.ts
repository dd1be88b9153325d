// The pages a visitor may see instead of a redirect.
import { html } from "../../http/html";
import { page } from "./layout";

export function notFoundPage(): Response {
  return page("Link not found", html`<p class="code">404</p><h1>This link does not exist</h1><p>Check the address, or ask whoever shared it for a new one.</p>`, 404);
}

export function expiredPage(): Response {
  return page("Link expired", html`<p class="code">410</p><h1>This link has expired</h1><p>It is no longer available.</p>`, 410);
}

export function tooManyRequestsPage(retryAfter: number): Response {
  return page("Too many attempts", html`<p class="code">429</p><h1>Too many attempts</h1><p>Wait a minute, then try again.</p>`, 429, { "retry-after": String(retryAfter) });
}

/**
 * Asks for a link's password; the form posts back to the same short URL (with its query string), and
 * carries where the visitor came from (`referrer`, an origin), which the post's own Referer is not.
 */
export function passwordPage(action: string, wrong: boolean, referrer: string | null, path = ""): Response {
  return page("Password required", html`<h1>This link is protected</h1><p>Enter the password to continue.</p>
<form method="post" action="${action}">
${referrer ? html`<input type="hidden" name="referrer" value="${referrer}">` : ""}
${path ? html`<input type="hidden" name="path" value="${path}">` : ""}
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required autofocus maxlength="255">
${wrong ? html`<p class="error" role="alert">That password is not right.</p>` : ""}
<button type="submit">Continue</button>
</form>`, wrong ? 403 : 200);
}

export interface Preview {
  slug: string;
  shortUrl: string;
  title: string | null;
  destination: string;
  /** Where rules send some visitors instead. */
  otherDestinations: string[];
  /** The vendors whose pixels the link fires before it moves on. */
  trackers: string[];
}

const hostOf = (url: string) => new URL(url).host;

/** The preview of a protected link: its destination is for those who know the password. */
export function protectedPreviewPage(slug: string, shortUrl: string): Response {
  return page("Where this link goes", html`<h1>Where this link goes</h1>
<p><span class="url">${shortUrl}</span> is protected by a password: where it leads is shown to those who enter it.</p>
<a class="button" href="${`/${slug}`}">Continue to the password form</a>`);
}

/** What `/<slug>+` shows: where a link leads before anyone follows it (no click is counted). */
export function previewPage(p: Preview): Response {
  const others = [...new Set(p.otherDestinations.map(hostOf))];
  return page("Where this link goes", html`<h1>Where this link goes</h1>
${p.title ? html`<p class="title">${p.title}</p>` : ""}
<p><span class="url">${p.shortUrl}</span> leads to <strong>${hostOf(p.destination)}</strong>:</p>
<p class="url"><a href="${p.destination}" rel="nofollow noopener noreferrer">${p.destination}</a></p>
${others.length ? html`<p>Depending on their country or device, some visitors go to ${others.join(", ")} instead.</p>` : ""}
${p.trackers.length ? html`<p>Following it first loads tracking by ${p.trackers.join(", ")}.</p>` : ""}
<img class="qr" src="${`/${p.slug}/qr`}" width="160" height="160" alt="${`QR code of ${p.shortUrl}`}">
<a class="button" href="${`/${p.slug}`}">Continue to ${hostOf(p.destination)}</a>`);
}
