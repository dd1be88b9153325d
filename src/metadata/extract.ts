// Title and description of an HTML page, as a link's defaults: <title> or og:title, meta description
// or og:description — decoded in the page's own charset, whitespace collapsed, cut to the field limits.
import { parseHTML } from "linkedom";

export const MAX_TITLE_LENGTH = 255;
export const MAX_DESCRIPTION_LENGTH = 1000;

export interface PageMetadata {
  title: string | null;
  description: string | null;
}

// How far into the body a <meta charset> is looked for (the HTML spec's prescan reads 1024 bytes;
// real pages put long comments and scripts first).
const CHARSET_PRESCAN_BYTES = 16 * 1024;

function decoderFor(label: string | null | undefined): TextDecoder | null {
  if (!label) return null;
  try {
    return new TextDecoder(label.trim().replace(/^["']|["']$/g, ""));
  } catch {
    return null;
  }
}

function charsetParameter(contentType: string): string | null {
  const match = /;\s*charset\s*=\s*("[^"]*"|'[^']*'|[^;\s]*)/i.exec(contentType);
  return match?.[1] ? match[1].replace(/^["']|["']$/g, "") : null;
}

function attributesOf(tag: string): Map<string, string> {
  const attributes = new Map<string, string>();
  const pattern = /([^\s"'=<>\/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
  for (const match of tag.matchAll(pattern)) {
    const name = match[1]!.toLowerCase();
    if (!attributes.has(name)) attributes.set(name, match[2] ?? match[3] ?? match[4] ?? "");
  }
  return attributes;
}

/** The charset a `<meta charset>` or `<meta http-equiv="content-type">` near the top declares. */
function metaCharset(body: Uint8Array): string | null {
  const start = Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, CHARSET_PRESCAN_BYTES)).toString("latin1");
  for (const [, inside = ""] of start.matchAll(/<meta(\s[^>]*)>/gi)) {
    const attributes = attributesOf(inside);
    const charset = attributes.get("charset");
    if (charset) return charset;
    if (attributes.get("http-equiv")?.trim().toLowerCase() === "content-type") {
      const declared = charsetParameter(attributes.get("content") ?? "");
      if (declared) return declared;
    }
  }
  return null;
}

/**
 * The decoder for a page: a byte-order mark wins, then the Content-Type header's charset, then the
 * page's own meta declaration; undeclared pages are read as UTF-8 when they are valid UTF-8 and as
 * windows-1252 (what browsers do with latin-1) otherwise.
 */
function decoderForPage(body: Uint8Array, contentTypeHeader: string): TextDecoder {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return new TextDecoder("utf-8");
  if (body[0] === 0xfe && body[1] === 0xff) return new TextDecoder("utf-16be");
  if (body[0] === 0xff && body[1] === 0xfe) return new TextDecoder("utf-16le");
  const fromHeader = decoderFor(charsetParameter(contentTypeHeader));
  if (fromHeader) return fromHeader;
  const fromMeta = decoderFor(metaCharset(body));
  if (fromMeta) {
    // A page cannot declare UTF-16 in ASCII bytes it would not contain: the spec reads it as UTF-8.
    if (fromMeta.encoding.startsWith("utf-16")) return new TextDecoder("utf-8");
    if (fromMeta.encoding === "x-user-defined") return new TextDecoder("windows-1252");
    return fromMeta;
  }
  try {
    // `stream: true` keeps a multi-byte character cut by the size limit from counting as invalid.
    new TextDecoder("utf-8", { fatal: true }).decode(body, { stream: true });
    return new TextDecoder("utf-8");
  } catch {
    return new TextDecoder("windows-1252");
  }
}

/** Collapse whitespace, drop control characters, trim, and cut to `max` UTF-16 units without splitting a pair. */
export function cleanText(raw: string | null | undefined, max: number): string | null {
  if (!raw) return null;
  let text = raw.replace(/[\u0000-\u001f\u007f-\u009f]/g, " ").replace(/\s+/g, " ").trim();
  if (text.length > max) {
    const end = /[\ud800-\udbff]/.test(text.charAt(max - 1)) ? max - 1 : max;
    text = text.slice(0, end).trimEnd();
  }
  return text.length > 0 ? text : null;
}

/** The page up to the end of its head: metadata lives there, and parsing the body costs ~500× more. */
function headOf(html: string): string {
  const end = html.search(/<\/head[\s>]|<body[\s>\/]/i);
  return end === -1 ? html : html.slice(0, end);
}

// Elements whose content is never the page's title or description: skipped whole.
const SKIPPED = ["script", "style", "noscript", "template", "svg", "textarea"];

/**
 * The <title> and <meta> tags of a head, in order, and nothing else: one linear scan, so that a head
 * of many thousand other elements (anyone can serve one) costs no more than reading it. Parsing such a
 * head as a whole held the server's one thread for most of a second per page.
 */
function metadataTags(head: string): string {
  const lower = head.toLowerCase();
  const nameEnds = (at: number) => /[\s/>]/.test(lower[at] ?? ">");
  /** The index after the ">" that closes the tag opened at `start`, quotes respected; -1 if none. */
  const tagEnd = (start: number) => {
    let quote = "";
    for (let i = start + 1; i < lower.length; i++) {
      const c = lower[i]!;
      if (quote) { if (c === quote) quote = ""; } else if (c === '"' || c === "'") quote = c;
      else if (c === ">") return i + 1;
    }
    return -1;
  };
  let out = "";
  let i = 0;
  for (;;) {
    const lt = lower.indexOf("<", i);
    if (lt === -1) return out;
    if (lower.startsWith("!--", lt + 1)) {
      const end = lower.indexOf("-->", lt + 4);
      if (end === -1) return out;
      i = end + 3;
      continue;
    }
    const skipped = SKIPPED.find((name) => lower.startsWith(name, lt + 1) && nameEnds(lt + 1 + name.length));
    if (skipped) {
      const end = lower.indexOf(`</${skipped}`, lt);
      if (end === -1) return out;
      i = end + 2;
      continue;
    }
    if (lower.startsWith("title", lt + 1) && nameEnds(lt + 6)) {
      const end = lower.indexOf("</title", lt);
      if (end === -1) return out;
      const close = tagEnd(end);
      out += head.slice(lt, close === -1 ? end : close);
      i = end + 7;
      continue;
    }
    if (lower.startsWith("meta", lt + 1) && nameEnds(lt + 5)) {
      const close = tagEnd(lt);
      if (close === -1) return out;
      out += head.slice(lt, close);
      i = close;
      continue;
    }
    i = lt + 1;
  }
}

interface MetaElement {
  attributes: ArrayLike<{ name: string; value: string }>;
}

// linkedom keeps attribute names as written (`<META PROPERTY=…>`): compare them case-insensitively.
function attribute(element: MetaElement, name: string): string | null {
  for (let i = 0; i < element.attributes.length; i++) {
    const attr = element.attributes[i]!;
    if (attr.name.toLowerCase() === name) return attr.value;
  }
  return null;
}

/** Title and description of an HTML body as fetched, with its Content-Type header ("" when none). */
export function extractMetadata(body: Uint8Array, contentTypeHeader: string): PageMetadata {
  try {
    const html = metadataTags(headOf(decoderForPage(body, contentTypeHeader).decode(body)));
    // linkedom reads what is left: entities, attribute quoting, upper-case names.
    const { document } = parseHTML(`<!doctype html><html><head>${html}</head></html>`);

    let title: string | null = null;
    for (const element of document.querySelectorAll("title")) {
      title = cleanText(element.textContent, MAX_TITLE_LENGTH);
      break;
    }

    const metas: Record<string, string | null> = { description: null, "og:title": null, "og:description": null };
    for (const element of document.querySelectorAll("meta")) {
      // Sites mix `name` and `property` for Open Graph tags; either counts.
      for (const key of [attribute(element, "name"), attribute(element, "property")]) {
        const name = key?.trim().toLowerCase();
        if (!name || !(name in metas) || metas[name] !== null) continue;
        metas[name] = cleanText(attribute(element, "content"), name === "og:title" ? MAX_TITLE_LENGTH : MAX_DESCRIPTION_LENGTH);
      }
    }

    return {
      title: title ?? metas["og:title"] ?? null,
      description: metas.description ?? metas["og:description"] ?? null,
    };
  } catch {
    return { title: null, description: null };
  }
}
