// The one destination validator: absolute http(s), at most 2048 characters, no control characters.

export const MAX_URL_LENGTH = 2048;
// C0 controls, DEL and the C1 range: CR/LF would let a stored URL inject headers into a redirect.
const controlCharacters = /[\u0000-\u001f\u007f-\u009f]/;

/** The destination as it will be stored, or null when it is not an acceptable http(s) URL. */
export function checkDestination(input: string): string | null {
  const value = input.trim();
  if (value.length === 0 || value.length > MAX_URL_LENGTH || controlCharacters.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (!url.hostname) return null;
  return value;
}

/** The destination (an href as URL serialises it) with the visitor's query string appended (`search` without its `?`). */
export function withVisitorQuery(destination: string, search: string): string {
  if (!search) return destination;
  const url = new URL(destination);
  if (search) url.search = url.search.length > 1 ? `${url.search.slice(1)}&${search}` : search;
  return url.href;
}
