// Schemas of the seed's envelope, shared by every API route's documentation.
import { t } from "elysia";

export const errorJson = t.Object({
  status: t.Literal("error"),
  messages: t.Record(t.String(), t.Array(t.String()), { examples: [{ long_url: ["This url is not valid."] }] }),
}, { description: "Every error: one key per bad field, each with human-readable messages" });

export const errorResponses = {
  400: errorJson, 401: errorJson, 403: errorJson, 404: errorJson, 409: errorJson, 413: errorJson, 422: errorJson, 429: errorJson,
};
