// The vendor table: id validation and normalisation, and snippets that embed the id safely,
// run as the vendor intends, and load nothing their own CSP lists do not allow.
import { describe, expect, test } from "bun:test";
import { parseHTML } from "linkedom";
import vm from "node:vm";
import {
  isPixelType,
  normalizePixelId,
  PIXEL_TYPES,
  pixelIdFormat,
  pixelSnippet,
  type PixelType,
  vendorName,
} from "../../src/pixels/vendors";

const EXAMPLES: Record<PixelType, string> = {
  facebook: "123456789012345",
  google_analytics: "G-ABC123DEF4",
  google_tag_manager: "GTM-AB12CD3",
  google_ads: "AW-123456789",
  linkedin: "1234567",
  twitter: "o1abc",
  tiktok: "C4A1B2C3D4E5F6G7H8I9",
  pinterest: "2612345678901",
  snapchat: "1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d",
  bing: "12345678",
  reddit: "a2_abc123",
  quora: "0123456789abcdef0123456789abcdef",
};

// Other ids each vendor issues, accepted as they are.
const MORE_VALID: Record<PixelType, string[]> = {
  facebook: ["1234567890123456"],
  google_analytics: ["G-DWCCJLKX3X", "G-1234"],
  google_tag_manager: ["GTM-TJTKSH9J", "GTM-XXXXXX"],
  google_ads: ["AW-10862264272"],
  linkedin: ["588443", "8341681"],
  twitter: ["o81g6", "num2q"],
  tiktok: ["C8NFME5VV6OQ74PC6STG", "D3JN483C77U8DNMA5980"],
  pinterest: ["2615370153056"],
  snapchat: ["00000000-0000-0000-0000-000000000000"],
  bing: ["5901742", "343123456"],
  reddit: ["t2_b4kw4fzh", "a2_j892kaf0wxc6"],
  quora: ["ffffffffffffffffffffffffffffffff"],
};

// Ids of the wrong shape for each vendor: another vendor's prefix, a missing prefix,
// a wrong length, a wrong alphabet.
const WRONG_SHAPE: Record<PixelType, string[]> = {
  facebook: ["12345678901234", "12345678901234567", "12345678901234a", "-123456789012345", "G-ABC123DEF4"],
  google_analytics: ["UA-12345-1", "ABC123DEF4", "G-", "G-ABC", "GTM-AB12CD3", "AW-123456789", "G_ABC123", "G-ABC-123"],
  google_tag_manager: ["G-ABC123DEF4", "AB12CD3", "GTM-", "GTM-AB1", "GT-AB12CD3", "GTM_AB12CD3"],
  google_ads: ["G-ABC123DEF4", "123456789", "AW-12345", "AW-1234567890123", "AW-12345678A", "AC-123456789"],
  linkedin: ["123", "1234567890123", "12345a", "li_1234567"],
  twitter: ["o1a", "o1abc_x", "o1-abc", "tw.o1abc", "o1abcdefghijklmnop"],
  tiktok: ["C4A1B2C3D4E5F6G", "C4A1B2C3D4E5F6G7H8I9J0K1L", "C4A1B2C3-4E5F6G7H8I9", "C4A1B2C3D4E5F6G7H8I_"],
  pinterest: ["261234567890", "26123456789012", "261234567890a", "tid-2612345678901"],
  snapchat: ["1a2b3c4d5e6f4a8b9c0d1e2f3a4b5c6d", "1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6", "ga2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d", "{1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d}"],
  bing: ["123", "1234567890123", "1234567a", "ti=12345678"],
  reddit: ["abc123", "t3_abc123", "a2abc123", "a2_", "a2_abc-123", "a2_abc123_x", "t2_abcdefghijklmnopqrstuvwxy"],
  quora: ["0123456789abcdef0123456789abcde", "0123456789abcdef0123456789abcdef0", "0123456789abcdef0123456789abcdeg"],
};

// Refused for every vendor, whatever its format.
const HOSTILE = [
  "",
  "   ",
  "\n\t",
  `"><script>`,
  `'; alert(1)//`,
  `</script><script>alert(1)</script>`,
  `<!--`,
  `\\u0022`,
  "javascript:alert(1)",
];

function withLastChar(id: string, char: string): string {
  return id.slice(0, -1) + char;
}

describe("the vendor list", () => {
  test("has the twelve types the API accepts, in the spec's order", () => {
    expect([...PIXEL_TYPES]).toEqual([
      "facebook", "google_analytics", "google_tag_manager", "google_ads", "linkedin", "twitter",
      "tiktok", "pinterest", "snapchat", "bing", "reddit", "quora",
    ]);
  });

  test("isPixelType knows exactly those types", () => {
    for (const type of PIXEL_TYPES) expect(isPixelType(type)).toBe(true);
    for (const other of ["", "Facebook", "google", "meta", "x", "toString", "__proto__", "facebook "]) {
      expect(isPixelType(other)).toBe(false);
    }
  });

  test("every vendor has a distinct human-readable name", () => {
    const names = PIXEL_TYPES.map(vendorName);
    expect(new Set(names).size).toBe(PIXEL_TYPES.length);
    expect(vendorName("facebook")).toBe("Facebook");
    expect(vendorName("google_analytics")).toBe("Google Analytics 4");
  });

  test("every vendor describes its id format in one sentence", () => {
    expect(pixelIdFormat("facebook")).toBe("A Facebook pixel id is 15 or 16 digits.");
    for (const type of PIXEL_TYPES) {
      expect(pixelIdFormat(type)).toMatch(/^An? .+ id is .+\.$/);
    }
  });
});

describe("pixel id validation", () => {
  for (const type of PIXEL_TYPES) {
    test(`a ${type} id of the vendor's format is accepted as it is`, () => {
      for (const id of [EXAMPLES[type], ...MORE_VALID[type]]) {
        expect(normalizePixelId(type, id)).toBe(id);
      }
    });

    test(`${type} ids of another shape are refused`, () => {
      for (const id of WRONG_SHAPE[type]) expect({ id, result: normalizePixelId(type, id) }).toEqual({ id, result: null });
    });

    test(`empty, hostile and over-long ${type} ids are refused`, () => {
      const example = EXAMPLES[type];
      const refused = [
        ...HOSTILE,
        example + "0".repeat(40),
        example.repeat(20),
        `${example}"`,
        `${example}'`,
        `${example}<`,
        `${example}\\`,
        `${example}/`,
        `${example};alert(1)`,
        `"${example}"`,
      ];
      for (const id of refused) expect({ id, result: normalizePixelId(type, id) }).toEqual({ id, result: null });
    });

    test(`${type} ids with inner spaces or control characters are refused`, () => {
      const example = EXAMPLES[type];
      for (const char of [" ", "\t", "\n", "\u0000", "\u00a0", "\u2028"]) {
        const id = example.slice(0, 4) + char + example.slice(4);
        expect({ id, result: normalizePixelId(type, id) }).toEqual({ id, result: null });
      }
    });

    test(`${type} ids with non-ASCII look-alikes are refused`, () => {
      // Full-width digit, accented letter, dotless i and long s (both upper-case to ASCII),
      // Kelvin sign (folds to k), Cyrillic a, Arabic-Indic digit.
      for (const char of ["１", "é", "ı", "ſ", "\u212a", "а", "٣"]) {
        const id = withLastChar(EXAMPLES[type], char);
        expect({ id, result: normalizePixelId(type, id) }).toEqual({ id, result: null });
      }
    });
  }
});

describe("pixel id normalisation", () => {
  test("surrounding whitespace is trimmed", () => {
    expect(normalizePixelId("facebook", "  123456789012345\n")).toBe("123456789012345");
    expect(normalizePixelId("pinterest", "\t2612345678901 ")).toBe("2612345678901");
  });

  test("Google ids are upper-cased, prefix and all", () => {
    expect(normalizePixelId("google_analytics", " g-abc123 ")).toBe("G-ABC123");
    expect(normalizePixelId("google_tag_manager", "gtm-ab12cd3")).toBe("GTM-AB12CD3");
    expect(normalizePixelId("google_ads", "aw-123456789")).toBe("AW-123456789");
  });

  test("TikTok pixel codes are upper-cased", () => {
    expect(normalizePixelId("tiktok", "c4a1b2c3d4e5f6g7h8i9")).toBe("C4A1B2C3D4E5F6G7H8I9");
  });

  test("Snapchat, Quora, Reddit and X ids are lower-cased", () => {
    expect(normalizePixelId("snapchat", "1A2B3C4D-5E6F-4A8B-9C0D-1E2F3A4B5C6D")).toBe("1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d");
    expect(normalizePixelId("quora", "0123456789ABCDEF0123456789ABCDEF")).toBe("0123456789abcdef0123456789abcdef");
    expect(normalizePixelId("reddit", "T2_B4KW4FZH")).toBe("t2_b4kw4fzh");
    expect(normalizePixelId("twitter", "O1ABC")).toBe("o1abc");
  });

  test("normalising a normalised id changes nothing", () => {
    for (const type of PIXEL_TYPES) {
      const once = normalizePixelId(type, ` ${EXAMPLES[type].toLowerCase()} `);
      expect(once).not.toBeNull();
      expect(normalizePixelId(type, once!)).toBe(once);
    }
  });
});

// --- snippets ---------------------------------------------------------------------------

const HOST_SOURCE = /^https:\/\/(\*\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)$/;

/** Whether a CSP host-source of the form https://host or https://*.suffix allows the URL. */
function sourceAllows(source: string, url: URL): boolean {
  const match = HOST_SOURCE.exec(source);
  if (!match) throw new Error(`not a plain https host source: ${source}`);
  if (url.protocol !== "https:" || url.port !== "") return false;
  const host = match[2]!;
  // CSP: "*.example.com" matches subdomains only, never example.com itself.
  return match[1] ? url.hostname.endsWith(`.${host}`) : url.hostname === host;
}

function allowedBy(sources: string[], url: string): boolean {
  return sources.some((source) => sourceAllows(source, new URL(url)));
}

function urlsIn(code: string): string[] {
  return code.match(/https:\/\/[^\s"'`)]+/g) ?? [];
}

interface Page {
  context: Record<string, any>;
  /** src of every script element the snippet inserted, in document order. */
  insertedScripts: () => string[];
  scriptElements: () => any[];
}

/** Runs inline scripts as a browser would, on a linkedom document; nothing is fetched. */
function runOnPage(inlineScripts: string[], strict = false): Page {
  const { document } = parseHTML("<!doctype html><html><head><script></script></head><body></body></html>");
  const context: Record<string, any> = { document };
  context.window = context;
  vm.createContext(context);
  for (const script of inlineScripts) vm.runInContext((strict ? '"use strict";\n' : "") + script, context);
  const scriptElements = () => [...document.querySelectorAll("script")].filter((s: any) => s.getAttribute("src"));
  return { context, scriptElements, insertedScripts: () => scriptElements().map((s: any) => s.getAttribute("src")) };
}

const calls = (queue: ArrayLike<unknown>[]) => Array.from(queue, (args) => Array.from(args));

describe("pixel snippets", () => {
  for (const type of PIXEL_TYPES) {
    const id = EXAMPLES[type];

    test(`the ${type} snippet embeds the id JSON-encoded, never raw`, () => {
      const snippet = pixelSnippet(type, id);
      expect(snippet.inlineScripts.length).toBeGreaterThan(0);
      const code = snippet.inlineScripts.join("\n");
      expect(code).toContain(JSON.stringify(id));
      // Outside of its JSON string literals the id does not appear.
      expect(code.replaceAll(JSON.stringify(id), "")).not.toContain(id);
    });

    test(`the ${type} snippet lists only well-formed https host sources`, () => {
      const { csp } = pixelSnippet(type, id);
      expect(csp.script.length).toBeGreaterThan(0);
      for (const source of [...csp.script, ...csp.img, ...csp.connect, ...csp.frame]) {
        expect(source).toMatch(HOST_SOURCE);
      }
    });

    test(`the ${type} snippet references only hosts its CSP allows`, () => {
      const snippet = pixelSnippet(type, id);
      const scriptUrls = [...snippet.inlineScripts.flatMap(urlsIn), ...snippet.externalScripts];
      expect(scriptUrls.length).toBeGreaterThan(0);
      for (const url of scriptUrls) expect({ url, allowed: allowedBy(snippet.csp.script, url) }).toEqual({ url, allowed: true });
      for (const url of snippet.images) expect({ url, allowed: allowedBy(snippet.csp.img, url) }).toEqual({ url, allowed: true });
      for (const url of [...snippet.externalScripts, ...snippet.images]) expect(url).toStartWith("https://");
      // No plain-http or scheme-relative URL hides from the check above.
      for (const code of snippet.inlineScripts) {
        expect(code).not.toContain("http://");
        expect(code).not.toMatch(/["']\/\//);
      }
    });

    test(`the ${type} snippet's image beacons carry the id URL-encoded`, () => {
      for (const image of pixelSnippet(type, id).images) {
        expect(image).toContain(encodeURIComponent(id));
        expect(image).not.toMatch(/[\s"'<>]/);
      }
    });

    test(`the ${type} snippet cannot close its script element`, () => {
      for (const code of pixelSnippet(type, ` ${id} `).inlineScripts) {
        expect(code.toLowerCase()).not.toContain("</script");
        expect(code).not.toContain("<!--");
      }
    });

    test(`the ${type} snippet runs, and every script it inserts is allowed by its CSP`, () => {
      const snippet = pixelSnippet(type, id);
      const page = runOnPage(snippet.inlineScripts);
      for (const src of page.insertedScripts()) {
        expect({ src, allowed: allowedBy(snippet.csp.script, src) }).toEqual({ src, allowed: true });
      }
    });

    test(`the ${type} snippet also runs in strict mode`, () => {
      expect(() => runOnPage(pixelSnippet(type, id).inlineScripts, true)).not.toThrow();
    });

    test(`the ${type} snippet is built from the normalised id`, () => {
      const messy = ` ${id.toLowerCase()} `;
      const normalized = normalizePixelId(type, messy)!;
      expect(pixelSnippet(type, messy).inlineScripts.join("\n")).toContain(JSON.stringify(normalized));
    });

    test(`an invalid ${type} id yields a snippet that fires nothing`, () => {
      for (const bad of [...HOSTILE, ...WRONG_SHAPE[type]]) {
        const snippet = pixelSnippet(type, bad);
        expect(snippet.inlineScripts).toEqual([]);
        expect(snippet.externalScripts).toEqual([]);
        expect(snippet.images).toEqual([]);
      }
    });
  }

  test("each call returns its own CSP lists", () => {
    const first = pixelSnippet("google_analytics", "G-ABC123");
    first.csp.script.push("https://evil.example");
    first.csp.connect.length = 0;
    const second = pixelSnippet("google_tag_manager", "GTM-AB12CD3");
    expect(second.csp.script).not.toContain("https://evil.example");
    expect(second.csp.connect.length).toBeGreaterThan(0);
  });

  test("Google Analytics 4 allows the hosts Google's CSP guide names", () => {
    const { csp } = pixelSnippet("google_analytics", "G-ABC123");
    expect(allowedBy(csp.script, "https://www.googletagmanager.com/gtag/js?id=G-ABC123")).toBe(true);
    expect(allowedBy(csp.connect, "https://region1.google-analytics.com/g/collect")).toBe(true);
    expect(allowedBy(csp.connect, "https://region1.analytics.google.com/g/collect")).toBe(true);
    expect(allowedBy(csp.img, "https://www.google-analytics.com/g/collect")).toBe(true);
    expect(allowedBy(csp.script, "https://evil.example/gtag.js")).toBe(false);
    expect(allowedBy(csp.script, "https://googletagmanager.com.evil.example/gtag.js")).toBe(false);
  });
});

describe("what each snippet asks its vendor to do", () => {
  test("Facebook initialises the pixel and sends PageView to that pixel only", () => {
    const page = runOnPage(pixelSnippet("facebook", "123456789012345").inlineScripts);
    expect(calls(page.context.fbq.queue)).toEqual([
      ["init", "123456789012345"],
      ["trackSingle", "123456789012345", "PageView"],
    ]);
    expect(page.insertedScripts()).toEqual(["https://connect.facebook.net/en_US/fbevents.js"]);
    expect(pixelSnippet("facebook", "123456789012345").images).toEqual([
      "https://www.facebook.com/tr?id=123456789012345&ev=PageView&noscript=1",
    ]);
  });

  test("two Facebook pixels on one page both initialise", () => {
    const page = runOnPage([
      ...pixelSnippet("facebook", "123456789012345").inlineScripts,
      ...pixelSnippet("facebook", "1234567890123456").inlineScripts,
    ]);
    expect(calls(page.context.fbq.queue).filter((c) => c[0] === "init")).toEqual([
      ["init", "123456789012345"],
      ["init", "1234567890123456"],
    ]);
  });

  for (const [type, id] of [["google_analytics", "G-ABC123DEF4"], ["google_ads", "AW-123456789"]] as const) {
    test(`${type} configures gtag.js with the id and loads it from googletagmanager`, () => {
      const snippet = pixelSnippet(type, id);
      const page = runOnPage(snippet.inlineScripts);
      const dataLayer = calls(page.context.dataLayer);
      expect(dataLayer[0]![0]).toBe("js");
      expect(dataLayer[1]).toEqual(["config", id]);
      expect(snippet.externalScripts).toEqual([`https://www.googletagmanager.com/gtag/js?id=${id}`]);
    });
  }

  test("Google Tag Manager starts the container and loads gtm.js for it", () => {
    const page = runOnPage(pixelSnippet("google_tag_manager", "GTM-AB12CD3").inlineScripts);
    expect(page.context.dataLayer[0].event).toBe("gtm.js");
    expect(page.insertedScripts()).toEqual(["https://www.googletagmanager.com/gtm.js?id=GTM-AB12CD3"]);
  });

  test("Google Tag Manager passes a page nonce on to gtm.js", () => {
    const page = runOnPage([]);
    const holder = page.context.document.createElement("script");
    holder.setAttribute("nonce", "abc123");
    page.context.document.head.appendChild(holder);
    vm.runInContext(pixelSnippet("google_tag_manager", "GTM-AB12CD3").inlineScripts[0]!, page.context);
    const [gtm] = page.scriptElements();
    expect(gtm.getAttribute("src")).toBe("https://www.googletagmanager.com/gtm.js?id=GTM-AB12CD3");
    expect(gtm.getAttribute("nonce")).toBe("abc123");
  });

  test("LinkedIn registers the partner id and loads the Insight Tag", () => {
    const page = runOnPage(pixelSnippet("linkedin", "1234567").inlineScripts);
    expect(page.context._linkedin_data_partner_ids).toEqual(["1234567"]);
    expect(typeof page.context.lintrk).toBe("function");
    expect(page.insertedScripts()).toEqual(["https://snap.licdn.com/li.lms-analytics/insight.min.js"]);
    expect(pixelSnippet("linkedin", "1234567").images).toEqual(["https://px.ads.linkedin.com/collect/?pid=1234567&fmt=gif"]);
  });

  test("X configures its pixel and loads uwt.js", () => {
    const page = runOnPage(pixelSnippet("twitter", "o1abc").inlineScripts);
    expect(calls(page.context.twq.queue)).toEqual([["config", "o1abc"]]);
    expect(page.insertedScripts()).toEqual(["https://static.ads-twitter.com/uwt.js"]);
  });

  test("TikTok loads events.js for the pixel code and records a page view", () => {
    const page = runOnPage(pixelSnippet("tiktok", "C4A1B2C3D4E5F6G7H8I9").inlineScripts);
    expect(Object.keys(page.context.ttq._i)).toEqual(["C4A1B2C3D4E5F6G7H8I9"]);
    expect(calls(page.context.ttq)).toEqual([["page"]]);
    expect(page.insertedScripts()).toEqual([
      "https://analytics.tiktok.com/i18n/pixel/events.js?sdkid=C4A1B2C3D4E5F6G7H8I9&lib=ttq",
    ]);
  });

  test("Pinterest loads the tag and records a page visit", () => {
    const page = runOnPage(pixelSnippet("pinterest", "2612345678901").inlineScripts);
    expect(calls(page.context.pintrk.queue)).toEqual([["load", "2612345678901"], ["page"]]);
    expect(page.insertedScripts()).toEqual(["https://s.pinimg.com/ct/core.js"]);
  });

  test("Snapchat initialises the pixel and tracks PAGE_VIEW", () => {
    const id = "1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d";
    const page = runOnPage(pixelSnippet("snapchat", id).inlineScripts);
    expect(calls(page.context.snaptr.queue)).toEqual([["init", id, {}], ["track", "PAGE_VIEW"]]);
    expect(page.insertedScripts()).toEqual(["https://sc-static.net/scevent.min.js"]);
  });

  test("Bing starts UET with the tag id once bat.js has loaded", () => {
    const page = runOnPage(pixelSnippet("bing", "12345678").inlineScripts);
    expect(page.insertedScripts()).toEqual(["https://bat.bing.com/bat.js"]);
    const pushed: unknown[] = [];
    page.context.UET = class {
      constructor(public options: { ti: string }) {}
      push(event: unknown) { pushed.push(event); }
    };
    page.scriptElements()[0].onload.call({});
    expect(page.context.uetq.options.ti).toBe("12345678");
    expect(pushed).toEqual(["pageLoad"]);
  });

  test("Reddit initialises the pixel and tracks PageVisit", () => {
    const page = runOnPage(pixelSnippet("reddit", "t2_b4kw4fzh").inlineScripts);
    expect(calls(page.context.rdt.callQueue)).toEqual([["init", "t2_b4kw4fzh"], ["track", "PageVisit"]]);
    expect(page.insertedScripts()).toEqual(["https://www.redditstatic.com/ads/pixel.js"]);
  });

  test("Quora initialises the pixel and tracks ViewContent", () => {
    const id = "0123456789abcdef0123456789abcdef";
    const page = runOnPage(pixelSnippet("quora", id).inlineScripts);
    expect(calls(page.context.qp.queue)).toEqual([["init", id], ["track", "ViewContent"]]);
    expect(page.insertedScripts()).toEqual(["https://a.quora.com/qevents.js"]);
    expect(pixelSnippet("quora", id).images).toEqual([`https://q.quora.com/_/ad/${id}/pixel?tag=ViewContent&noscript=1`]);
  });
});
