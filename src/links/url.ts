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

/** A query parameter's name ("utm_source=x" → "utm_source"), decoded as a server would read it. */
export function parameterName(pair: string): string {
  const equals = pair.indexOf("=");
  const raw = (equals === -1 ? pair : pair.slice(0, equals)).replaceAll("+", " ");
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * The destination (an href as URL serialises it) with the visitor's query string appended (`search`
 * without its `?`). A parameter the destination has too takes the visitor's value, as on Shlink and Dub:
 * the destination's is dropped rather than sent twice (servers differ on which of two they read). The
 * parts are kept as written, not re-encoded.
 */
export function withVisitorQuery(destination: string, search: string): string {
  if (!search) return destination;
  const url = new URL(destination);
  const own = url.search.slice(1);
  if (!own) {
    url.search = search;
    return url.href;
  }
  const visitors = new Set(search.split("&").map(parameterName));
  const kept = own.split("&").filter((pair) => pair === "" || !visitors.has(parameterName(pair)));
  url.search = [...kept, search].join("&");
  return url.href;
}

/** A query string (without "?") without the parameter `name`, every occurrence; the rest as written. */
export function withoutParameter(search: string, name: string): string {
  return search.split("&").filter((pair) => parameterName(pair) !== name).join("&");
}

/** The destination with more path after its own ("https://docs.example/v2/" + "/guide/x" → "https://docs.example/v2/guide/x"). */
export function withExtraPath(destination: string, extra: string): string {
  const url = new URL(destination);
  url.pathname = url.pathname.replace(/\/$/, "") + extra;
  return url.href;
}
