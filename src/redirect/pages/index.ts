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
export function passwordPage(action: string, wrong: boolean, referrer: string | null): Response {
  return page("Password required", html`<h1>This link is protected</h1><p>Enter the password to continue.</p>
<form method="post" action="${action}">
${referrer ? html`<input type="hidden" name="referrer" value="${referrer}">` : ""}
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required autofocus maxlength="255">
${wrong ? html`<p class="error" role="alert">That password is not right.</p>` : ""}
<button type="submit">Continue</button>
</form>`, wrong ? 403 : 200);
}
