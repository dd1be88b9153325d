// The twelve retargeting-pixel vendors kurz knows: each one's id format, its official base
// snippet, and the Content-Security-Policy sources that snippet needs to work.
//
// Nothing here knows about HTTP or the database: the pixels API validates ids with
// normalizePixelId/pixelIdFormat, and the redirect's pixel page renders pixelSnippet.
//
// How to use a snippet on a page:
// - Put every inline script in its own <script> element (allowed by its hash or a nonce),
//   then every external script as <script async src>. Most vendors' loaders insert their
//   library themselves, so script-src must list the csp.script hosts, not only the hashes
//   (do not add 'strict-dynamic' without also dropping the host list on purpose).
// - Images are beacons for visitors without JavaScript: put them in <noscript>.
// - Merge the csp lists of every pixel on the page into script-src, img-src, connect-src
//   and frame-src.

export const PIXEL_TYPES = [
  "facebook",
  "google_analytics",
  "google_tag_manager",
  "google_ads",
  "linkedin",
  "twitter",
  "tiktok",
  "pinterest",
  "snapchat",
  "bing",
  "reddit",
  "quora",
] as const;

export type PixelType = (typeof PIXEL_TYPES)[number];

export interface PixelCsp {
  script: string[];
  img: string[];
  connect: string[];
  frame: string[];
}

export interface PixelSnippet {
  /** JavaScript bodies to put inside <script> elements (no tags), in this order. */
  inlineScripts: string[];
  /** Absolute https URLs to load with <script async src>. */
  externalScripts: string[];
  /** Absolute https URLs for <img> beacons (noscript fallbacks), ids URL-encoded. */
  images: string[];
  /** Exact CSP source expressions the vendor's snippet needs. */
  csp: PixelCsp;
}

type Parts = Omit<PixelSnippet, "csp">;

interface Vendor {
  name: string;
  /** Anchored, ASCII-only pattern over the trimmed id, before case is normalised. */
  pattern: RegExp;
  /** ASCII case the vendor issues its ids in ("none" for digits only); applied after the pattern matched. */
  letterCase: "upper" | "lower" | "none";
  format: string;
  /** `js` is the id as a JavaScript string literal, `url` the id URL-encoded. */
  snippet(js: string, url: string): Parts;
  csp: Readonly<PixelCsp>;
}

// The Google tag (gtag.js) base code, shared by GA4 and Google Ads.
function gtagSnippet(js: string, url: string): Parts {
  return {
    inlineScripts: [
      `window.dataLayer = window.dataLayer || [];
function gtag(){dataLayer.push(arguments);}
gtag('js', new Date());
gtag('config', ${js});`,
    ],
    externalScripts: [`https://www.googletagmanager.com/gtag/js?id=${url}`],
    images: [],
  };
}

// Google's "Use Tag Manager with a Content Security Policy" guide
// (developers.google.com/tag-platform/security/guides/csp), GA4 table in its Google Signals
// form, because retargeting audiences are what a pixel on a short link is for. The guide's
// `https://*.google.<TLD>` is prose, not a source: no CSP expression can say "any country's
// Google", so those per-country pings are not allowed (www.google.com is, via *.google.com).
// td.doubleclick.net: the remarketing iframe (/td/ga/rul) GA4 adds for ads personalisation,
// seen on live pages.
const GA4_CSP: PixelCsp = {
  script: ["https://*.googletagmanager.com"],
  img: [
    "https://*.google-analytics.com",
    "https://*.googletagmanager.com",
    "https://*.g.doubleclick.net",
    "https://*.google.com",
  ],
  connect: [
    "https://*.google-analytics.com",
    "https://*.analytics.google.com",
    "https://*.googletagmanager.com",
    "https://*.g.doubleclick.net",
    "https://*.google.com",
    "https://pagead2.googlesyndication.com",
  ],
  frame: ["https://www.googletagmanager.com", "https://td.doubleclick.net"],
};

const VENDORS: Readonly<Record<PixelType, Vendor>> = {
  // Meta Pixel base code (developers.facebook.com/docs/meta-pixel/get-started). The id appears
  // in init and in the noscript image. PageView is sent with trackSingle (Meta's multi-pixel
  // API) instead of track: with two Meta pixels on one link, track would count the second
  // pixel's PageView for the first one too.
  facebook: {
    name: "Facebook",
    pattern: /^[0-9]{15,16}$/,
    letterCase: "none",
    format: "A Facebook pixel id is 15 or 16 digits.",
    snippet: (js, url) => ({
      inlineScripts: [
        `!function(f,b,e,v,n,t,s)
{if(f.fbq)return;n=f.fbq=function(){n.callMethod?
n.callMethod.apply(n,arguments):n.queue.push(arguments)};
if(!f._fbq)f._fbq=n;n.push=n;n.loaded=!0;n.version='2.0';
n.queue=[];t=b.createElement(e);t.async=!0;
t.src=v;s=b.getElementsByTagName(e)[0];
s.parentNode.insertBefore(t,s)}(window, document,'script',
'https://connect.facebook.net/en_US/fbevents.js');
fbq('init', ${js});
fbq('trackSingle', ${js}, 'PageView');`,
      ],
      externalScripts: [],
      images: [`https://www.facebook.com/tr?id=${url}&ev=PageView&noscript=1`],
    }),
    // fbevents.js and its per-pixel config (connect.facebook.net/signals/…) load as scripts;
    // events go to www.facebook.com/tr by beacon/fetch or image.
    csp: {
      script: ["https://connect.facebook.net"],
      img: ["https://www.facebook.com"],
      connect: ["https://www.facebook.com"],
      frame: [],
    },
  },

  // GA4 measurement ids are "G-" and (so far) 10 upper-case letters/digits; the length is
  // chosen permissively. gtag.js snippet from Google's install instructions.
  google_analytics: {
    name: "Google Analytics 4",
    pattern: /^[Gg]-[A-Za-z0-9]{4,16}$/,
    letterCase: "upper",
    format: "A Google Analytics 4 measurement id is G- followed by 4 to 16 letters or digits, e.g. G-ABC123DEF4.",
    snippet: gtagSnippet,
    csp: GA4_CSP,
  },

  // Container ids are "GTM-" and 6 to 8 upper-case letters/digits; length chosen permissively.
  // The nonce-aware container snippet from Google's CSP guide: it copies a page nonce to the
  // scripts GTM inserts when there is one and is the plain snippet otherwise. The container's
  // own hosts (www.googletagmanager.com, www.google.com) are inside the GA4 lists; a container
  // fires whatever tags its owner configured, and only GA4 — the usual one — is allowed here.
  // Tags for other vendors work when the link also carries that vendor's own pixel. The
  // vendor's <noscript> fallback is an iframe (ns.html), which this shape has no place for.
  google_tag_manager: {
    name: "Google Tag Manager",
    pattern: /^[Gg][Tt][Mm]-[A-Za-z0-9]{4,12}$/,
    letterCase: "upper",
    format: "A Google Tag Manager container id is GTM- followed by 4 to 12 letters or digits, e.g. GTM-AB12CD3.",
    snippet: (js) => ({
      inlineScripts: [
        `(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':
new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],
j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src=
'https://www.googletagmanager.com/gtm.js?id='+i+dl;var n=d.querySelector('[nonce]');
n&&j.setAttribute('nonce',n.nonce||n.getAttribute('nonce'));f.parentNode.insertBefore(j,f);
})(window,document,'script','dataLayer',${js});`,
      ],
      externalScripts: [],
      images: [],
    }),
    csp: GA4_CSP,
  },

  // Google Ads tag ids are "AW-" and the conversion id (9 to 11 digits seen); 6–12 allowed.
  // CSP: the Google Ads table of Google's CSP guide, less `https://www.google.<TLD>` (see
  // GA4_CSP), plus connect to www.googletagmanager.com (gtag.js is the same runtime as a GTM
  // container) and the td.doubleclick.net remarketing iframe (/td/rul/<id>) seen on live pages.
  google_ads: {
    name: "Google Ads",
    pattern: /^[Aa][Ww]-[0-9]{6,12}$/,
    letterCase: "upper",
    format: "A Google Ads tag id is AW- followed by 6 to 12 digits, e.g. AW-123456789.",
    snippet: gtagSnippet,
    csp: {
      script: [
        "https://www.googletagmanager.com",
        "https://www.googleadservices.com",
        "https://www.google.com",
        "https://pagead2.googlesyndication.com",
        "https://googleads.g.doubleclick.net",
      ],
      img: [
        "https://www.googletagmanager.com",
        "https://googleads.g.doubleclick.net",
        "https://www.google.com",
        "https://google.com",
        "https://pagead2.googlesyndication.com",
        "https://www.googleadservices.com",
      ],
      connect: [
        "https://www.googletagmanager.com",
        "https://pagead2.googlesyndication.com",
        "https://www.googleadservices.com",
        "https://googleads.g.doubleclick.net",
        "https://www.google.com",
        "https://google.com",
      ],
      frame: ["https://www.googletagmanager.com", "https://td.doubleclick.net"],
    },
  },

  // LinkedIn Insight Tag. Partner ids are numbers (6–7 digits seen); 4–12 digits chosen
  // permissively. The tag reports to px.ads.linkedin.com and, on many loads, px4.… and dc.…,
  // hence *.ads.linkedin.com; www.linkedin.com is its cookie sync.
  linkedin: {
    name: "LinkedIn",
    pattern: /^[0-9]{4,12}$/,
    letterCase: "none",
    format: "A LinkedIn Insight Tag partner id is 4 to 12 digits.",
    snippet: (js, url) => ({
      inlineScripts: [
        `window._linkedin_partner_id = ${js};
window._linkedin_data_partner_ids = window._linkedin_data_partner_ids || [];
window._linkedin_data_partner_ids.push(window._linkedin_partner_id);
(function(l) {
if (!l){window.lintrk = function(a,b){window.lintrk.q.push([a,b])};
window.lintrk.q=[]}
var s = document.getElementsByTagName("script")[0];
var b = document.createElement("script");
b.type = "text/javascript";b.async = true;
b.src = "https://snap.licdn.com/li.lms-analytics/insight.min.js";
s.parentNode.insertBefore(b, s);})(window.lintrk);`,
      ],
      externalScripts: [],
      images: [`https://px.ads.linkedin.com/collect/?pid=${url}&fmt=gif`],
    }),
    csp: {
      script: ["https://snap.licdn.com"],
      img: ["https://*.ads.linkedin.com", "https://www.linkedin.com"],
      connect: ["https://*.ads.linkedin.com", "https://www.linkedin.com"],
      frame: [],
    },
  },

  // X (Twitter) pixel base code with twq('config'). Pixel ids are short lower-case base-36
  // strings (o1abc, o81g6, num2q seen); 4–16 chosen permissively. The noscript images are
  // the ones X's single-event website tag documented. CSP hosts are the ones X asks to
  // allow-list, plus analytics.x.com, where uwt.js reports since the rename.
  twitter: {
    name: "X (Twitter)",
    pattern: /^[A-Za-z0-9]{4,16}$/,
    letterCase: "lower",
    format: "An X (Twitter) pixel id is 4 to 16 letters or digits, e.g. o1abc.",
    snippet: (js, url) => ({
      inlineScripts: [
        `!function(e,t,n,s,u,a){e.twq||(s=e.twq=function(){s.exe?s.exe.apply(s,arguments):s.queue.push(arguments);
},s.version='1.1',s.queue=[],u=t.createElement(n),u.async=!0,u.src='https://static.ads-twitter.com/uwt.js',
a=t.getElementsByTagName(n)[0],a.parentNode.insertBefore(u,a))}(window,document,'script');
twq('config', ${js});`,
      ],
      externalScripts: [],
      images: [
        `https://analytics.twitter.com/i/adsct?txn_id=${url}&p_id=Twitter&tw_sale_amount=0&tw_order_quantity=0`,
        `https://t.co/i/adsct?txn_id=${url}&p_id=Twitter&tw_sale_amount=0&tw_order_quantity=0`,
      ],
    }),
    csp: {
      script: ["https://static.ads-twitter.com"],
      img: ["https://t.co", "https://analytics.twitter.com", "https://analytics.x.com", "https://ads-twitter.com"],
      connect: [
        "https://analytics.twitter.com",
        "https://analytics.x.com",
        "https://ads-twitter.com",
        "https://ads-api.twitter.com",
      ],
      frame: [],
    },
  },

  // TikTok pixel base code. Pixel codes are 20 upper-case letters/digits in every sample
  // (C8NFME5VV6OQ74PC6STG…); 16–24 chosen permissively. events.js loads its further
  // scripts from the same host; analytics-ipv6.tiktokw.us is its IPv6 enrichment call.
  // TikTok documents no noscript fallback.
  tiktok: {
    name: "TikTok",
    pattern: /^[A-Za-z0-9]{16,24}$/,
    letterCase: "upper",
    format: "A TikTok pixel id is 16 to 24 letters or digits, e.g. C4A1B2C3D4E5F6G7H8I9.",
    snippet: (js) => ({
      inlineScripts: [
        `!function (w, d, t) {
  w.TiktokAnalyticsObject=t;var ttq=w[t]=w[t]||[];ttq.methods=["page","track","identify","instances","debug","on","off","once","ready","alias","group","enableCookie","disableCookie","holdConsent","revokeConsent","grantConsent"],ttq.setAndDefer=function(t,e){t[e]=function(){t.push([e].concat(Array.prototype.slice.call(arguments,0)))}};for(var i=0;i<ttq.methods.length;i++)ttq.setAndDefer(ttq,ttq.methods[i]);ttq.instance=function(t){for(
var e=ttq._i[t]||[],n=0;n<ttq.methods.length;n++)ttq.setAndDefer(e,ttq.methods[n]);return e},ttq.load=function(e,n){var r="https://analytics.tiktok.com/i18n/pixel/events.js",o=n&&n.partner;ttq._i=ttq._i||{},ttq._i[e]=[],ttq._i[e]._u=r,ttq._t=ttq._t||{},ttq._t[e]=+new Date,ttq._o=ttq._o||{},ttq._o[e]=n||{};n=document.createElement("script")
;n.type="text/javascript",n.async=!0,n.src=r+"?sdkid="+e+"&lib="+t;e=document.getElementsByTagName("script")[0];e.parentNode.insertBefore(n,e)};
  ttq.load(${js});
  ttq.page();
}(window, document, 'ttq');`,
      ],
      externalScripts: [],
      images: [],
    }),
    csp: {
      script: ["https://analytics.tiktok.com"],
      img: [],
      connect: ["https://analytics.tiktok.com", "https://analytics-ipv6.tiktokw.us"],
      frame: [],
    },
  },

  // Pinterest tag base code. Tag ids are 13 digits (2612…, 2615… seen). core.js loads its
  // library from s.pinimg.com, reports to ct.pinterest.com and opens ct.pinterest.com/ct.html
  // in a hidden iframe for first-party storage.
  pinterest: {
    name: "Pinterest",
    pattern: /^[0-9]{13}$/,
    letterCase: "none",
    format: "A Pinterest tag id is 13 digits.",
    snippet: (js, url) => ({
      inlineScripts: [
        `!function(e){if(!window.pintrk){window.pintrk = function () {
window.pintrk.queue.push(Array.prototype.slice.call(arguments))};var
  n=window.pintrk;n.queue=[],n.version="3.0";var
  t=document.createElement("script");t.async=!0,t.src=e;var
  r=document.getElementsByTagName("script")[0];
  r.parentNode.insertBefore(t,r)}}("https://s.pinimg.com/ct/core.js");
pintrk('load', ${js});
pintrk('page');`,
      ],
      externalScripts: [],
      images: [`https://ct.pinterest.com/v3/?event=init&tid=${url}&noscript=1`],
    }),
    csp: {
      script: ["https://s.pinimg.com"],
      img: ["https://ct.pinterest.com"],
      connect: ["https://ct.pinterest.com"],
      frame: ["https://ct.pinterest.com"],
    },
  },

  // Snap Pixel base code. Pixel ids are UUIDs; Snap writes them lower-case. The official
  // snippet assigns an undeclared `r`; it is declared here so the snippet also runs strict.
  // Snap documents no noscript fallback. Events go to tr.snapchat.com (and its shadow host),
  // by fetch and from a cookie-matching iframe.
  snapchat: {
    name: "Snapchat",
    pattern: /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/,
    letterCase: "lower",
    format: "A Snapchat pixel id is a UUID, e.g. 1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d.",
    snippet: (js) => ({
      inlineScripts: [
        `(function(e,t,n){if(e.snaptr)return;var a=e.snaptr=function()
{a.handleRequest?a.handleRequest.apply(a,arguments):a.queue.push(arguments)};
a.queue=[];var s='script';var r=t.createElement(s);r.async=!0;
r.src=n;var u=t.getElementsByTagName(s)[0];
u.parentNode.insertBefore(r,u);})(window,document,
'https://sc-static.net/scevent.min.js');
snaptr('init', ${js}, {});
snaptr('track', 'PAGE_VIEW');`,
      ],
      externalScripts: [],
      images: [],
    }),
    csp: {
      script: ["https://sc-static.net"],
      img: [],
      connect: ["https://tr.snapchat.com", "https://tr-shadow.snapchat.com"],
      frame: ["https://tr.snapchat.com", "https://tr-shadow.snapchat.com"],
    },
  },

  // Microsoft Advertising UET tag. Tag ids are numbers (7–9 digits seen); 4–12 chosen
  // permissively. The official snippet loads "//bat.bing.com/bat.js"; https is written out
  // so the page never depends on its own scheme. bat.bing.net: the alternate collection host
  // bat.js reports to on some loads.
  bing: {
    name: "Microsoft Advertising (Bing)",
    pattern: /^[0-9]{4,12}$/,
    letterCase: "none",
    format: "A Microsoft Advertising (Bing) UET tag id is 4 to 12 digits.",
    snippet: (js, url) => ({
      inlineScripts: [
        `(function(w,d,t,r,u){var f,n,i;w[u]=w[u]||[],f=function(){var o={ti:${js}, enableAutoSpaTracking: true};o.q=w[u],w[u]=new UET(o),w[u].push("pageLoad")},n=d.createElement(t),n.src=r,n.async=1,n.onload=n.onreadystatechange=function(){var s=this.readyState;s&&s!=="loaded"&&s!=="complete"||(f(),n.onload=n.onreadystatechange=null)},i=d.getElementsByTagName(t)[0],i.parentNode.insertBefore(n,i)})(window,document,"script","https://bat.bing.com/bat.js","uetq");`,
      ],
      externalScripts: [],
      images: [`https://bat.bing.com/action/0?ti=${url}&Ver=2`],
    }),
    csp: {
      script: ["https://bat.bing.com"],
      img: ["https://bat.bing.com", "https://bat.bing.net"],
      connect: ["https://bat.bing.com", "https://bat.bing.net"],
      frame: [],
    },
  },

  // Reddit pixel base code. Ids are a Reddit account or advertiser id: "t2_" or "a2_" and a
  // lower-case base-36 number (t2_b4kw4fzh, a2_j892kaf0wxc6 seen); up to 24 characters after
  // the prefix chosen permissively. Reddit's base code has no noscript tag; the image
  // fallback is the rp.gif endpoint pixel.js itself reports PageVisit to. pixel.js fetches
  // its configuration from pixel-config.reddit.com.
  reddit: {
    name: "Reddit",
    pattern: /^[TtAa]2_[A-Za-z0-9]{1,24}$/,
    letterCase: "lower",
    format: "A Reddit pixel id is t2_ or a2_ followed by up to 24 letters or digits, e.g. a2_abc123.",
    snippet: (js, url) => ({
      inlineScripts: [
        `!function(w,d){if(!w.rdt){var p=w.rdt=function(){p.sendEvent?p.sendEvent.apply(p,arguments):p.callQueue.push(arguments)};p.callQueue=[];var t=d.createElement("script");t.src="https://www.redditstatic.com/ads/pixel.js",t.async=!0;var s=d.getElementsByTagName("script")[0];s.parentNode.insertBefore(t,s)}}(window,document);
rdt('init', ${js});
rdt('track', 'PageVisit');`,
      ],
      externalScripts: [],
      images: [`https://alb.reddit.com/rp.gif?id=${url}&event=PageVisit`],
    }),
    csp: {
      script: ["https://www.redditstatic.com"],
      img: ["https://alb.reddit.com"],
      connect: ["https://alb.reddit.com", "https://pixel-config.reddit.com"],
      frame: [],
    },
  },

  // Quora pixel base code and its noscript image. Pixel ids are 32 hex characters,
  // lower-case as Quora shows them.
  quora: {
    name: "Quora",
    pattern: /^[0-9A-Fa-f]{32}$/,
    letterCase: "lower",
    format: "A Quora pixel id is 32 hexadecimal characters.",
    snippet: (js, url) => ({
      inlineScripts: [
        `!function(q,e,v,n,t,s){if(q.qp) return; n=q.qp=function(){n.qp?n.qp.apply(n,arguments):n.queue.push(arguments);}; n.queue=[];t=document.createElement(e);t.async=!0;t.src=v; s=document.getElementsByTagName(e)[0]; s.parentNode.insertBefore(t,s);}(window, 'script', 'https://a.quora.com/qevents.js');
qp('init', ${js});
qp('track', 'ViewContent');`,
      ],
      externalScripts: [],
      images: [`https://q.quora.com/_/ad/${url}/pixel?tag=ViewContent&noscript=1`],
    }),
    csp: {
      script: ["https://a.quora.com"],
      img: ["https://q.quora.com"],
      connect: ["https://q.quora.com"],
      frame: [],
    },
  },
};

export function isPixelType(value: string): value is PixelType {
  return (PIXEL_TYPES as readonly string[]).includes(value);
}

export function vendorName(type: PixelType): string {
  return VENDORS[type].name;
}

/** Human-readable description of the expected format, used in 422 messages. */
export function pixelIdFormat(type: PixelType): string {
  return VENDORS[type].format;
}

/** The pixel id normalised (trimmed; case as the vendor expects), or null when it does not match the vendor's id format. */
export function normalizePixelId(type: PixelType, id: string): string | null {
  const vendor = VENDORS[type];
  const trimmed = id.trim();
  // The patterns are ASCII-only and checked before any case mapping, so no Unicode letter
  // can become an ASCII one on the way in (toUpperCase("ı") is "I").
  if (!vendor.pattern.test(trimmed)) return null;
  if (vendor.letterCase === "upper") return trimmed.toUpperCase();
  if (vendor.letterCase === "lower") return trimmed.toLowerCase();
  return trimmed;
}

/**
 * The vendor's snippet for this pixel id. The id is normalised first; an id that does not
 * pass normalizePixelId (say, one stored before a pattern was tightened) yields a snippet
 * that fires nothing, so a redirect never fails over a pixel.
 */
export function pixelSnippet(type: PixelType, id: string): PixelSnippet {
  const vendor = VENDORS[type];
  const csp: PixelCsp = {
    script: [...vendor.csp.script],
    img: [...vendor.csp.img],
    connect: [...vendor.csp.connect],
    frame: [...vendor.csp.frame],
  };
  const normalized = normalizePixelId(type, id);
  if (normalized === null) return { inlineScripts: [], externalScripts: [], images: [], csp };
  return { ...vendor.snippet(jsString(normalized), encodeURIComponent(normalized)), csp };
}

// A JSON string literal that is also safe inside an HTML <script> element: a validated id
// cannot hold "<", but the escape keeps "</script" and "<!--" out whatever reaches here.
function jsString(value: string): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}
