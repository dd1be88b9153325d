// Every table of kurz, in one module: drizzle-kit generates the migrations in drizzle/ from it.
import { sql } from "drizzle-orm";
import {
  sqliteTable, integer, text, blob, index, uniqueIndex, primaryKey,
} from "drizzle-orm/sqlite-core";

const timestamp = (name: string) => integer(name, { mode: "timestamp" });

export const users = sqliteTable("users", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  email: text("email").notNull().unique(),
  passwordHash: text("password_hash").notNull(),
  role: text("role", { enum: ["admin", "user"] }).notNull().default("user"),
  permissions: text("permissions", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
  // sha256 of the API token: the token itself is shown once and never stored.
  apiTokenHash: text("api_token_hash").unique(),
  disabled: integer("disabled", { mode: "boolean" }).notNull().default(false),
  createdAt: timestamp("created_at").notNull(),
  updatedAt: timestamp("updated_at").notNull(),
});

export const domains = sqliteTable("domains", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  host: text("host").notNull().unique(),
  notFoundUrl: text("not_found_url"),
  createdAt: timestamp("created_at").notNull(),
}, (t) => [index("domains_user_idx").on(t.userId)]);

export const pixels = sqliteTable("pixels", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  type: text("type").notNull(),
  pixelId: text("pixel_id").notNull(),
  createdAt: timestamp("created_at").notNull(),
}, (t) => [index("pixels_user_idx").on(t.userId)]);

export const links = sqliteTable("links", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  domainId: integer("domain_id").references(() => domains.id, { onDelete: "cascade" }),
  type: text("type").notNull().default("direct"),
  hash: text("hash").notNull(),
  alias: text("alias"),
  // The path the link answers on: its alias when given, otherwise its hash.
  slug: text("slug").notNull(),
  longUrl: text("long_url").notNull(),
  title: text("title"),
  description: text("description"),
  passwordHash: text("password_hash"),
  disabled: integer("disabled", { mode: "boolean" }).notNull().default(false),
  expiresAt: timestamp("expires_at"),
  createdAt: timestamp("created_at").notNull(),
  updatedAt: timestamp("updated_at").notNull(),
}, (t) => [
  // Slugs are unique per domain; NULLs never collide, so the default domain has its own index.
  uniqueIndex("links_domain_slug_idx").on(t.domainId, t.slug),
  uniqueIndex("links_default_slug_idx").on(t.slug).where(sql`${t.domainId} is null`),
  index("links_user_idx").on(t.userId, t.id),
  // A create with find_if_exists looks for the user's link to the same destination.
  index("links_user_url_idx").on(t.userId, t.longUrl),
]);

export const tags = sqliteTable("tags", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
}, (t) => [uniqueIndex("tags_user_name_idx").on(t.userId, t.name)]);

export const linkTags = sqliteTable("link_tags", {
  linkId: integer("link_id").notNull().references(() => links.id, { onDelete: "cascade" }),
  tagId: integer("tag_id").notNull().references(() => tags.id, { onDelete: "cascade" }),
  position: integer("position").notNull(),
}, (t) => [
  primaryKey({ columns: [t.linkId, t.tagId] }),
  index("link_tags_tag_idx").on(t.tagId),
]);

export const linkPixels = sqliteTable("link_pixels", {
  linkId: integer("link_id").notNull().references(() => links.id, { onDelete: "cascade" }),
  pixelId: integer("pixel_id").notNull().references(() => pixels.id, { onDelete: "cascade" }),
}, (t) => [
  primaryKey({ columns: [t.linkId, t.pixelId] }),
  index("link_pixels_pixel_idx").on(t.pixelId),
]);

export const rules = sqliteTable("rules", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  linkId: integer("link_id").notNull().references(() => links.id, { onDelete: "cascade" }),
  position: integer("position").notNull(),
  type: text("type").notNull(),
  key: text("key").notNull(),
  value: text("value").notNull(),
}, (t) => [index("rules_link_idx").on(t.linkId, t.position)]);

// What a visitor was like: each distinct (country, device, browser, OS, referrer host, bot) once, so
// counts name a profile instead of repeating six columns. `key` is the JSON array of those six values.
export const clickProfiles = sqliteTable("click_profiles", {
  id: integer("id").primaryKey(),
  key: text("key").notNull().unique(),
  country: text("country"),
  device: text("device"),
  browser: text("browser"),
  os: text("os"),
  referrer: text("referrer"),
  bot: integer("bot", { mode: "boolean" }).notNull(),
});

// Clicks per link, hour and visitor profile: what statistics read. Folded from click_batches.
export const clickHours = sqliteTable("click_hours", {
  linkId: integer("link_id").notNull().references(() => links.id, { onDelete: "cascade" }),
  hour: integer("hour").notNull(), // whole hours since 1970-01-01T00:00Z
  profileId: integer("profile_id").notNull().references(() => clickProfiles.id),
  clicks: integer("clicks").notNull(),
}, (t) => [primaryKey({ columns: [t.linkId, t.hour, t.profileId] })]); // WITHOUT ROWID in the migration

// Clicks as recorded, one row a second whatever the traffic, until folded into click_hours. `counts`
// packs entries of four little-endian uint32s: hour, link id, profile id, clicks.
export const clickBatches = sqliteTable("click_batches", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  createdAt: timestamp("created_at").notNull(),
  counts: blob("counts", { mode: "buffer" }).notNull(),
});

// Install-wide values that every node must share (e.g. the key that signs password cookies).
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

// Admin-page sessions: the cookie holds a random id, the table only its sha256.
export const sessions = sqliteTable("sessions", {
  idHash: text("id_hash").primaryKey(),
  userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  csrfToken: text("csrf_token").notNull(),
  expiresAt: timestamp("expires_at").notNull(),
  createdAt: timestamp("created_at").notNull(),
}, (t) => [index("sessions_user_idx").on(t.userId)]);
