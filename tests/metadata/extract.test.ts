import { expect, test } from "bun:test";
import { cleanText, extractMetadata, MAX_DESCRIPTION_LENGTH, MAX_TITLE_LENGTH } from "../../src/metadata/extract";
import { latin1 } from "./fixture-server";

const utf8 = (text: string) => new TextEncoder().encode(text);
const extract = (html: string, contentType = "text/html") => extractMetadata(utf8(html), contentType);

test("the <title> and the meta description are read", () => {
  expect(extract(`<!doctype html><html><head><title>Google</title><meta name="description" content="Search the world"></head><body>x</body></html>`)).toEqual({
    title: "Google",
    description: "Search the world",
  });
});

test("og:title and og:description stand in when the title and description are missing", () => {
  const html = `<head><meta property="og:title" content="OG title"><meta property="og:description" content="OG description"></head>`;
  expect(extract(html)).toEqual({ title: "OG title", description: "OG description" });
});

test("the <title> and meta description win over their Open Graph twins", () => {
  const html = `<head><meta property="og:title" content="OG"><meta property="og:description" content="OG d"><title>Real</title><meta name="description" content="Real d"></head>`;
  expect(extract(html)).toEqual({ title: "Real", description: "Real d" });
});

test("an empty <title> falls back to og:title", () => {
  expect(extract(`<title>  </title><meta property="og:title" content="From OG">`).title).toBe("From OG");
});

test("Open Graph tags written with name= instead of property= count too", () => {
  expect(extract(`<meta name="og:title" content="by name"><meta name="og:description" content="d by name">`)).toEqual({
    title: "by name",
    description: "d by name",
  });
});

test("tag and attribute names are matched in any letter case", () => {
  const html = `<HEAD><META PROPERTY="OG:TITLE" CONTENT="Upper OG"><Meta Name="DESCRIPTION" Content="Upper description"></HEAD>`;
  expect(extract(html)).toEqual({ title: "Upper OG", description: "Upper description" });
});

test("named, numeric and hex entities are decoded", () => {
  const html = `<title>Tom &amp; Jerry &mdash; &quot;caf&eacute;&quot; &#39;x&#39; &#x1F600; &lt;b&gt;</title><meta name="description" content="a &amp;amp; b &copy; 2026">`;
  expect(extract(html)).toEqual({ title: `Tom & Jerry — "café" 'x' 😀 <b>`, description: "a &amp; b © 2026" });
});

test("whitespace is collapsed and trimmed, control characters dropped", () => {
  const html = `<title>\n   Hello \t\t  world&nbsp;&nbsp;!\u0007 </title><meta name="description" content="  one\n\ntwo   ">`;
  expect(extract(html)).toEqual({ title: "Hello world !", description: "one two" });
});

test("the title is cut to 255 and the description to 1000 characters", () => {
  const result = extract(`<title>${"t".repeat(400)}</title><meta name="description" content="${"d ".repeat(900)}">`);
  expect(result.title).toBe("t".repeat(MAX_TITLE_LENGTH));
  expect(result.description!.length).toBeLessThanOrEqual(MAX_DESCRIPTION_LENGTH);
  expect(result.description!.length).toBeGreaterThan(990);
});

test("cutting never splits an emoji in half", () => {
  const text = cleanText(`${"a".repeat(254)}😀`, 255)!;
  expect(text).toBe("a".repeat(254));
  expect(cleanText("   ", 10)).toBeNull();
});

test("a title inside an inline SVG is not the page's title", () => {
  expect(extract(`<head><svg><title>icon</title></svg><title>Page</title></head>`).title).toBe("Page");
});

test("a <title> in the body is not read: only the head is parsed", () => {
  expect(extract(`<head><meta charset="utf-8"></head><body><title>late</title></body>`).title).toBeNull();
  expect(extract(`<meta name="description" content="x"><body><title>late</title></body>`).title).toBeNull();
});

test("a page with neither title nor description gives nulls", () => {
  expect(extract("<p>hello")).toEqual({ title: null, description: null });
  expect(extractMetadata(new Uint8Array(), "")).toEqual({ title: null, description: null });
});

test("latin-1 bytes are decoded by the charset in the Content-Type header", () => {
  const body = latin1("<title>Caf\u00e9 cr\u00e8me \u00fcber</title>");
  expect(extractMetadata(body, "text/html; charset=ISO-8859-1").title).toBe("Café crème über");
  expect(extractMetadata(body, 'text/html;charset="latin1"').title).toBe("Café crème über");
});

test("latin-1 bytes are decoded by <meta charset> and by <meta http-equiv>", () => {
  expect(extractMetadata(latin1(`<meta charset="iso-8859-1"><title>Caf\u00e9</title>`), "text/html").title).toBe("Café");
  expect(extractMetadata(latin1(`<META CHARSET=latin1><title>Caf\u00e9</title>`), "").title).toBe("Café");
  const httpEquiv = latin1(`<meta http-equiv="Content-Type" content="text/html; charset=windows-1252"><title>\u0093Caf\u00e9\u0094</title>`);
  expect(extractMetadata(httpEquiv, "text/html").title).toBe("“Café”");
});

test("the header's charset wins over the page's own declaration", () => {
  const body = utf8(`<meta charset="iso-8859-1"><title>Café</title>`);
  expect(extractMetadata(body, "text/html; charset=utf-8").title).toBe("Café");
});

test("UTF-8 is read with or without a declaration, and a byte-order mark wins", () => {
  expect(extractMetadata(utf8("<title>Grüße, 東京 😀</title>"), "text/html; charset=utf-8").title).toBe("Grüße, 東京 😀");
  expect(extractMetadata(utf8("<title>Grüße, 東京</title>"), "text/html").title).toBe("Grüße, 東京");
  const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8("<title>Grüße</title>")]);
  expect(extractMetadata(bom, "text/html; charset=iso-8859-1").title).toBe("Grüße");
});

test("an undeclared page that is not valid UTF-8 is read as windows-1252", () => {
  expect(extractMetadata(latin1("<title>Caf\u00e9</title>"), "text/html").title).toBe("Café");
});

test("an unknown charset label falls back to the next source", () => {
  expect(extractMetadata(utf8("<meta charset=utf-8><title>Grüße</title>"), "text/html; charset=bogus").title).toBe("Grüße");
});

test("other legacy charsets the page names are honoured", () => {
  const cp1251 = new Uint8Array([...utf8('<meta charset="windows-1251"><title>'), 0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2, ...utf8("</title>")]);
  expect(extractMetadata(cp1251, "text/html").title).toBe("Привет");
});

test("only the head's own <title> and <meta> count: none inside comments, scripts, styles or inline SVG", () => {
  const html = `<head><!-- <title>Commented</title> --><script>document.write("<title>Scripted</title>")</script>
    <style>/* <meta name="description" content="Styled"> */</style><svg><title>Icon</title></svg>
    <TITLE lang="en">Real &amp; true</TITLE><meta content="a > b" name="description"></head>`;
  expect(extract(html)).toEqual({ title: "Real & true", description: "a > b" });
});

test("a head of 200,000 other elements still gives its title and description", () => {
  const html = `<head>${"<a>x</a>".repeat(200_000)}<title>Found</title><meta name="description" content="Also found"></head>`;
  expect(extract(html)).toEqual({ title: "Found", description: "Also found" });
});
