// Request and response schemas of the links API: validation, types and the OpenAPI document in one.
import { t } from "elysia";
import { oneOf } from "../http/schema";
import { MAX_URL_LENGTH } from "./url";

export const RULE_TYPES = ["geo", "device"] as const;
export const DEVICES = ["phone", "tablet", "desktop", "tv"] as const;

const urlField = (description: string) =>
  t.String({ maxLength: MAX_URL_LENGTH, error: "This url is not valid.", description, examples: ["https://google.com"] });

const optional = t.Optional;
// t.Integer also accepts numeric strings and documents itself as string-or-integer; ids are plain integers.
const id = (options: Parameters<typeof t.Number>[0] = {}) => t.Number({ multipleOf: 1, minimum: 1, ...options });

export const ruleInput = t.Object({
  type: oneOf(RULE_TYPES, { error: "The rule type must be geo or device.", description: "`geo` matches the visitor's country, `device` the device type" }),
  key: t.String({ maxLength: 64, error: "The rule key is not valid.", description: "geo: ISO 3166-1 alpha-2 country code (case-insensitive); device: phone, tablet, desktop or tv", examples: ["ru"] }),
  value: urlField("Destination for visitors that match this rule"),
});

export const createLinkBody = t.Object({
  long_url: optional(urlField("Destination url")),
  multiple_urls: optional(t.Array(urlField("Destination url"), {
    minItems: 1, maxItems: 100, error: "The multiple_urls field must be an array of 1 to 100 urls.",
    description: "One link is created for each url; cannot be used together with long_url",
  })),
  alias: optional(t.String({ maxLength: 64, error: "The alias may be 1 to 64 letters, digits, _ or -.", description: "Custom slug; a random hash is used when empty", examples: ["spring-sale"] })),
  domain_id: optional(id({ error: "The domain_id must be a positive integer.", description: "Id of one of your custom domains" })),
  password: optional(t.String({ maxLength: 255, error: "The password must be text of 1 to 255 characters.", description: "Visitors must enter it before they are redirected" })),
  disabled: optional(t.Boolean({ error: "The disabled field must be true or false.", description: "A disabled link answers 404" })),
  title: optional(t.String({ maxLength: 255, error: "The title must be text of at most 255 characters.", description: "When empty, the destination page's title is used" })),
  description: optional(t.String({ maxLength: 1000, error: "The description must be text of at most 1000 characters.", description: "When empty, the destination page's meta description is used" })),
  // 20 different tags at most (service.ts counts them once trimmed and de-duplicated); the list may repeat some.
  tags: optional(t.Array(t.String({ maxLength: 50, error: "Each tag must be 1 to 50 characters." }), { maxItems: 100, error: "The tags field must be an array of at most 20 different strings.", description: "At most 20 different tags, each 1 to 50 characters" })),
  expires_at: optional(t.String({ maxLength: 40, error: "The expires_at field must be a date like 2030-12-31 23:59:59 (UTC) or ISO 8601 with a zone.", description: "UTC `YYYY-MM-DD HH:MM:SS`, or ISO 8601 with a zone; must be in the future", examples: ["2030-12-31 23:59:59"] })),
  pixels: optional(t.Array(id({ error: "Each pixel must be a pixel id." }), { maxItems: 50, error: "The pixels field must be an array of at most 50 pixel ids." })),
  rules: optional(t.Array(ruleInput, { maxItems: 50, error: "The rules field must be an array of at most 50 {type, key, value} objects.", description: "First matching rule wins, in the order given" })),
  find_if_exists: optional(t.Boolean({
    error: "The find_if_exists field must be true or false.",
    description: "Answer your newest link to the same destination on the same domain (with the same alias, when one is given) that is enabled and has no expiry, password, rules or pixels, instead of making a new one; its other fields stay as they are. Not used when this create sets a password, expiry, rules, pixels or disabled.",
  })),
}, {
  examples: [{ long_url: "https://google.com", alias: "google", tags: ["search"], rules: [{ key: "ru", value: "https://destination.ru", type: "geo" }, { key: "phone", value: "https://bing.com", type: "device" }] }],
});

export type CreateLinkBody = typeof createLinkBody.static;

const { multiple_urls: _, find_if_exists: __, ...patchFields } = createLinkBody.properties;
export const patchLinkBody = t.Object(patchFields, {
  description: "Any create field except multiple_urls; a field sent as null is cleared (long_url and disabled cannot be)",
  examples: [{ title: "Spring sale", tags: ["promo"], disabled: false }],
});
export type RuleInput = typeof ruleInput.static;

export const ruleJson = t.Object({ type: t.String(), key: t.String(), value: t.String() });

export const linkJson = t.Object({
  id: id({ examples: [80] }),
  type: t.String({ examples: ["direct"] }),
  title: t.Nullable(t.String({ examples: ["Google"] })),
  description: t.Nullable(t.String({ examples: ["Search the world's information"] })),
  hash: t.String({ examples: ["oV5Ox1"] }),
  alias: t.Nullable(t.String()),
  long_url: t.String({ examples: ["https://google.com"] }),
  short_url: t.String({ examples: ["http://localhost:8080/oV5Ox1"] }),
  expires_at: t.Nullable(t.String({ examples: ["2030-12-31 23:59:59"] })),
  disabled: t.Boolean(),
  has_password: t.Boolean(),
  user_id: id({ examples: [1] }),
  domain_id: t.Nullable(id()),
  tags: t.Array(t.String()),
  pixels: t.Array(id()),
  rules: t.Array(ruleJson),
  clicks: t.Number({ description: "Human clicks so far (bots not counted)", examples: [0] }),
  created_at: t.String({ examples: ["2026-11-24 13:33:17"] }),
  updated_at: t.String({ examples: ["2026-11-24 13:33:17"] }),
});

export const createLinkResponse = t.Union([
  t.Object({ status: t.Literal("success"), link: linkJson }),
  t.Object({ status: t.Literal("success"), links: t.Array(linkJson) }),
]);
