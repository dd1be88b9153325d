// The kurz admin page: a hash-routed single-page app over the JSON API. Every node is built with
// DOM calls (h/svg below, never innerHTML), so what users or remote pages wrote is escaped by construction.
"use strict";
(() => {
  // baseHost: the host of the server's base URL, which default-domain short links use (not this page's host).
  const state = { user: null, csrf: null, baseHost: location.host };
  const root = document.getElementById("app");
  const knownTags = new Set();

  // ---------------------------------------------------------------- DOM helpers

  const PROPS = new Set(["value", "checked", "disabled", "selected", "readOnly", "required", "multiple", "indeterminate"]);

  function setAttrs(el, attrs) {
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") el.setAttribute("class", Array.isArray(value) ? value.filter(Boolean).join(" ") : value);
      else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2).toLowerCase(), value);
      else if (PROPS.has(key)) el[key] = value;
      else el.setAttribute(key, value === true ? "" : String(value));
    }
  }

  function append(el, children) {
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      if (Array.isArray(child)) append(el, child);
      else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  /** h("a", {href, class, onclick}, ...children): an element; strings become text nodes. */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    setAttrs(el, attrs);
    return append(el, children);
  }

  const SVG_NS = "http://www.w3.org/2000/svg";
  function svg(tag, attrs, ...children) {
    const el = document.createElementNS(SVG_NS, tag);
    setAttrs(el, attrs);
    return append(el, children);
  }

  // Feather-style stroke icons: strings are path data, arrays are circles [cx, cy, r] or rects [x, y, w, h, rx].
  const ICONS = {
    link: ["M10 13a5 5 0 0 0 7.54.54l3-3a5 5 0 0 0-7.07-7.07l-1.72 1.71", "M14 11a5 5 0 0 0-7.54-.54l-3 3a5 5 0 0 0 7.07 7.07l1.71-1.71"],
    globe: [[12, 12, 10], "M2 12h20", "M12 2a15.3 15.3 0 0 1 4 10 15.3 15.3 0 0 1-4 10 15.3 15.3 0 0 1-4-10 15.3 15.3 0 0 1 4-10z"],
    target: [[12, 12, 10], [12, 12, 6], [12, 12, 2]],
    users: ["M17 21v-2a4 4 0 0 0-4-4H5a4 4 0 0 0-4 4v2", [9, 7, 4], "M23 21v-2a4 4 0 0 0-3-3.87", "M16 3.13a4 4 0 0 1 0 7.75"],
    user: ["M20 21v-2a4 4 0 0 0-4-4H8a4 4 0 0 0-4 4v2", [12, 7, 4]],
    logout: ["M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4", "M16 17l5-5-5-5", "M21 12H9"],
    copy: [[9, 9, 13, 13, 2], "M5 15H4a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2h9a2 2 0 0 1 2 2v1"],
    external: ["M18 13v6a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h6", "M15 3h6v6", "M10 14L21 3"],
    plus: ["M12 5v14", "M5 12h14"],
    trash: ["M3 6h18", "M19 6l-1 14a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2L5 6", "M10 11v6", "M14 11v6", "M9 6V4a1 1 0 0 1 1-1h4a1 1 0 0 1 1 1v2"],
    edit: ["M12 20h9", "M16.5 3.5a2.12 2.12 0 0 1 3 3L7 19l-4 1 1-4L16.5 3.5z"],
    menu: ["M3 12h18", "M3 6h18", "M3 18h18"],
    x: ["M18 6L6 18", "M6 6l12 12"],
    search: [[11, 11, 8], "M21 21l-4.35-4.35"],
    back: ["M15 18l-6-6 6-6"],
    next: ["M9 18l6-6-6-6"],
    lock: [[3, 11, 18, 11, 2], "M7 11V7a5 5 0 0 1 10 0v4"],
    download: ["M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4", "M7 10l5 5 5-5", "M12 15V3"],
    key: [[7.5, 15.5, 5.5], "M11.4 11.6L21 2", "M15.5 7.5l3 3L22 7l-3-3"],
    chart: ["M12 20V10", "M18 20V4", "M6 20v-4"],
    alert: [[12, 12, 10], "M12 8v4", "M12 16h.01"],
    check: ["M20 6L9 17l-5-5"],
    pause: [[12, 12, 10], "M10 15V9", "M14 15V9"],
    play: [[12, 12, 10], "M10 8l6 4-6 4V8z"],
    qr: [[3, 3, 7, 7, 1], [14, 3, 7, 7, 1], [3, 14, 7, 7, 1], "M14 14h3v3h-3z", "M20 14v.01", "M14 20h.01", "M17 17h4v4h-4"],
  };

  function icon(name, extraClass) {
    const shapes = (ICONS[name] || []).map((shape) => {
      if (typeof shape === "string") return svg("path", { d: shape });
      if (shape.length === 3) return svg("circle", { cx: shape[0], cy: shape[1], r: shape[2] });
      return svg("rect", { x: shape[0], y: shape[1], width: shape[2], height: shape[3], rx: shape[4] });
    });
    return svg("svg", {
      class: ["icon", extraClass], viewBox: "0 0 24 24", fill: "none", stroke: "currentColor", "stroke-width": 2,
      "stroke-linecap": "round", "stroke-linejoin": "round", "aria-hidden": "true", focusable: "false",
    }, shapes);
  }

  let idCounter = 0;
  const uid = (prefix) => `${prefix}-${++idCounter}`;

  /** Only http(s) addresses become clickable; anything else is shown as text. */
  function safeHref(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }

  function button(label, attrs, iconName) {
    const { variant, ...rest } = attrs || {};
    return h("button", { type: "button", ...rest, class: ["btn", variant ? `btn-${variant}` : null, rest.class] },
      iconName ? icon(iconName) : null, label ? h("span", null, label) : null);
  }

  function iconButton(iconName, label, attrs) {
    return h("button", { type: "button", "aria-label": label, title: label, ...attrs, class: ["btn", "btn-icon", attrs && attrs.class] }, icon(iconName));
  }

  // ---------------------------------------------------------------- formatting

  /** The API's dates are UTC "YYYY-MM-DD HH:MM:SS". */
  function parseUtc(text) {
    if (!text) return null;
    const date = new Date(`${text.replace(" ", "T")}${/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? "" : "Z"}`);
    return Number.isNaN(date.getTime()) ? null : date;
  }

  function fmtDate(text) {
    const date = parseUtc(text);
    return date ? date.toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" }) : "—";
  }

  function fmtDateTime(text) {
    const date = parseUtc(text);
    return date ? date.toLocaleString(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }) : "—";
  }

  const pad = (n) => String(n).padStart(2, "0");
  /** UTC API date → value for <input type=datetime-local> (the browser's local time). */
  function toLocalInput(text) {
    const d = parseUtc(text);
    return d ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}` : "";
  }
  /** datetime-local value (local time) → the API's UTC "YYYY-MM-DD HH:MM:SS". */
  function fromLocalInput(value) {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? value : d.toISOString().slice(0, 19).replace("T", " ");
  }

  const fmtNumber = (n) => Number(n || 0).toLocaleString();
  const isExpired = (link) => {
    const d = parseUtc(link.expires_at);
    return d !== null && d.getTime() <= Date.now();
  };
  const slugOf = (link) => link.alias || link.hash;
  /** What names a link without a title: its destination's host and path ("example.com/spring-sale"). */
  const untitled = (url) => {
    try {
      const u = new URL(url);
      return `${u.host}${u.pathname === "/" ? "" : u.pathname}`;
    } catch { return url; }
  };
  const shortDisplay = (url) => String(url).replace(/^https?:\/\//i, "");

  let regionNames = null;
  try { regionNames = new Intl.DisplayNames(["en"], { type: "region" }); } catch { regionNames = null; }
  const unknownKey = (key) => !key || key === "unknown" || key === "??";
  function countryName(code) {
    if (unknownKey(code)) return "Unknown";
    const upper = String(code).toUpperCase();
    if (!/^[A-Z]{2}$/.test(upper)) return String(code);
    try { return (regionNames && regionNames.of(upper)) || upper; } catch { return upper; }
  }
  /** A country code pill (flag emoji are not drawn on every system, e.g. Windows). */
  function countryCode(code) {
    const upper = String(code || "").toUpperCase();
    return h("span", { class: "cc", "aria-hidden": "true" }, /^[A-Z]{2}$/.test(upper) ? upper : "··");
  }
  const capitalise = (text) => (text ? text.charAt(0).toUpperCase() + text.slice(1) : text);

  const COUNTRY_CODES = ("AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
    "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE " +
    "GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP " +
    "KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF " +
    "NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN " +
    "SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW").split(" ");
  const DEVICES = [["phone", "Phone"], ["tablet", "Tablet"], ["desktop", "Desktop"], ["tv", "TV"]];
  const PIXEL_VENDORS = [
    ["facebook", "Facebook (Meta)", "15 or 16 digits"],
    ["google_analytics", "Google Analytics 4", "G- and 4–16 letters or digits, e.g. G-ABC123DEF4"],
    ["google_tag_manager", "Google Tag Manager", "GTM- and 4–12 letters or digits, e.g. GTM-AB12CD3"],
    ["google_ads", "Google Ads", "AW- and 6–12 digits, e.g. AW-123456789"],
    ["linkedin", "LinkedIn", "4–12 digits (Insight Tag partner id)"],
    ["twitter", "X (Twitter)", "4–16 letters or digits, e.g. o1abc"],
    ["tiktok", "TikTok", "16–24 letters or digits"],
    ["pinterest", "Pinterest", "13 digits"],
    ["snapchat", "Snapchat", "a UUID, e.g. 1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d"],
    ["bing", "Microsoft Advertising (Bing)", "4–12 digits (UET tag id)"],
    ["reddit", "Reddit", "t2_ or a2_ and up to 24 letters or digits"],
    ["quora", "Quora", "32 hexadecimal characters"],
  ];
  const vendorName = (type) => (PIXEL_VENDORS.find((v) => v[0] === type) || [type, type])[1];

  // ---------------------------------------------------------------- API

  class ApiFailure extends Error {
    constructor(status, messages) {
      super(Object.values(messages).flat().join(" "));
      this.status = status;
      this.messages = messages;
    }
  }

  function fallbackMessage(status) {
    if (status === 0) return "The server cannot be reached. Check your connection and try again.";
    if (status === 403) return "You are not allowed to do this.";
    if (status === 404) return "This was not found. It may have been deleted.";
    if (status === 429) return "Too many attempts. Wait a minute and try again.";
    if (status >= 500) return "The server had a problem. Try again in a moment.";
    return `The request failed (HTTP ${status}).`;
  }

  async function api(method, path, body) {
    const headers = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (method !== "GET" && state.csrf) headers["x-csrf-token"] = state.csrf;
    let response;
    try {
      response = await fetch(path, { method, credentials: "same-origin", headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiFailure(0, { _: [fallbackMessage(0)] });
    }
    let data = null;
    try { data = await response.json(); } catch { data = null; }
    if (response.ok && data && data.status !== "error") return data;
    const messages = data && data.messages && typeof data.messages === "object" && Object.keys(data.messages).length
      ? data.messages : { _: [fallbackMessage(response.status)] };
    if (response.status === 401 && path.startsWith("/api/") && state.user) sessionEnded();
    throw new ApiFailure(response.status, messages);
  }

  const allMessages = (error) => (error instanceof ApiFailure ? Object.values(error.messages).flat() : [String(error && error.message || error)]);

  // ---------------------------------------------------------------- feedback: toasts, alerts, field errors, dialogs

  const toasts = h("div", { class: "toasts", role: "status", "aria-live": "polite" });
  function toast(message, kind) {
    const node = h("div", { class: ["toast", kind === "error" ? "toast-error" : null] }, icon(kind === "error" ? "alert" : "check"), h("span", null, message));
    toasts.append(node);
    // The newest two stay; older ones go at once rather than pile up over the page.
    while (toasts.childElementCount > 2) toasts.firstElementChild.remove();
    setTimeout(() => node.classList.add("toast-out"), 3200);
    setTimeout(() => node.remove(), 3600);
  }

  function alertBox(kind) {
    return h("div", { class: ["alert", `alert-${kind || "error"}`], role: "alert", hidden: true });
  }
  function showAlert(box, messages) {
    box.replaceChildren(icon("alert"), h("div", null, messages.map((m) => h("p", null, m))));
    box.hidden = messages.length === 0;
  }

  /** A labelled form row; `name` is the API field its errors arrive under. */
  function field(label, control, options) {
    const opts = options || {};
    const id = control.id || uid("f");
    const input = control.matches && control.matches("input, select, textarea") ? control : control.querySelector && control.querySelector("input, select, textarea");
    if (input && !input.id) input.id = id;
    return h("div", { class: ["field", opts.class], "data-field": opts.name },
      label ? h("label", { class: "label", for: input ? input.id : null }, label, opts.optional ? h("span", { class: "optional" }, "optional") : null) : null,
      control,
      opts.hint ? h("p", { class: "hint" }, opts.hint) : null,
      h("p", { class: "field-error", hidden: true }));
  }

  function clearErrors(form) {
    for (const el of form.querySelectorAll(".field-error")) { el.hidden = true; el.replaceChildren(); }
    for (const el of form.querySelectorAll(".invalid")) el.classList.remove("invalid");
  }

  /** showErrors for a failed call: the API's messages, or the error itself under the form. */
  function showFailure(form, general, error) {
    showErrors(form, general, error instanceof ApiFailure ? error.messages : { _: [String(error)] });
  }

  /** Puts each message next to the field it names (`rules.0.key` falls back to `rules.0`, then `rules`); the rest in the form's alert. */
  function showErrors(form, general, messages) {
    clearErrors(form);
    const rest = [];
    let first = null;
    for (const [key, list] of Object.entries(messages || {})) {
      let target = null;
      for (let name = key; name && !target; name = name.includes(".") ? name.slice(0, name.lastIndexOf(".")) : "") {
        target = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
      }
      const slot = target && [...target.children].find((c) => c.classList.contains("field-error"));
      if (!slot) { rest.push(...list); continue; }
      target.classList.add("invalid");
      for (const message of list) slot.append(h("span", null, message));
      slot.hidden = false;
      first = first || target;
    }
    showAlert(general, rest);
    if (rest.length) general.scrollIntoView({ block: "nearest" });
    else if (first) {
      const input = first.querySelector("input, select, textarea");
      if (input) input.focus();
      first.scrollIntoView({ block: "center" });
    }
  }

  /** A modal confirm built on <dialog>; resolves true when confirmed. */
  function confirmDialog({ title, text, confirm, danger }) {
    return new Promise((resolve) => {
      const dialog = h("dialog", { class: "dialog", "aria-labelledby": "dialog-title" });
      const close = (value) => { dialog.close(); dialog.remove(); resolve(value); };
      dialog.append(
        h("h2", { id: "dialog-title" }, title),
        h("p", { class: "muted" }, text),
        h("div", { class: "dialog-actions" },
          button("Cancel", { variant: "ghost", onclick: () => close(false) }),
          button(confirm, { variant: danger ? "danger" : "primary", "data-confirm": "", onclick: () => close(true) })));
      dialog.addEventListener("cancel", (event) => { event.preventDefault(); close(false); });
      document.body.append(dialog);
      dialog.showModal();
    });
  }

  async function copyText(text, what) {
    let ok = false;
    try {
      if (navigator.clipboard && window.isSecureContext) { await navigator.clipboard.writeText(text); ok = true; }
    } catch { ok = false; }
    if (!ok) {
      const area = h("textarea", { class: "offscreen", readonly: true });
      area.value = text;
      document.body.append(area);
      area.select();
      try { ok = document.execCommand("copy"); } catch { ok = false; }
      area.remove();
    }
    toast(ok ? `${what || "Text"} copied` : "Copy failed — select the text and copy it by hand", ok ? "ok" : "error");
  }

  function copyButton(text, what, labelled) {
    return labelled
      ? button("Copy", { variant: "secondary", onclick: () => copyText(text, what), "data-copy": text }, "copy")
      : iconButton("copy", `Copy ${what ? what.toLowerCase() : ""}`.trim(), { onclick: () => copyText(text, what), "data-copy": text });
  }

  /** Runs an action with its button busy; returns the action's result or undefined when it failed. */
  async function busy(btn, action) {
    btn.disabled = true;
    btn.classList.add("is-busy");
    try { return await action(); } finally { btn.disabled = false; btn.classList.remove("is-busy"); }
  }

  // ---------------------------------------------------------------- common building blocks

  function pageHeader(title, subtitle, ...actions) {
    return h("header", { class: "page-header" },
      h("div", { class: "page-title" }, h("h1", null, title), subtitle ? h("p", { class: "muted" }, subtitle) : null),
      actions.length ? h("div", { class: "page-actions" }, actions) : null);
  }

  function card(title, body, options) {
    const opts = options || {};
    return h("section", { class: ["card", opts.class] },
      title ? h("div", { class: "card-head" }, h("div", null, h("h2", null, title), opts.subtitle ? h("p", { class: "muted small" }, opts.subtitle) : null), opts.actions || null) : null,
      h("div", { class: "card-body" }, body));
  }

  function emptyState(iconName, title, text, action) {
    return h("div", { class: "empty" }, h("div", { class: "empty-icon" }, icon(iconName)), h("h3", null, title), h("p", { class: "muted" }, text), action || null);
  }

  const loading = (text) => h("div", { class: "loading" }, h("span", { class: "spinner", "aria-hidden": "true" }), h("span", null, text || "Loading…"));

  function failure(error, retry) {
    // A 404 (a link deleted meanwhile, an old bookmark) will not change by trying again.
    const gone = error instanceof ApiFailure && error.status === 404;
    return h("div", { class: "alert alert-error" }, icon("alert"),
      h("div", null, allMessages(error).map((m) => h("p", null, m)),
        gone ? h("a", { href: "#/links", class: "btn btn-secondary mt" }, "All links")
          : retry ? button("Try again", { variant: "secondary", class: "mt", onclick: retry }) : null));
  }

  function badge(text, kind, iconName) {
    return h("span", { class: ["badge", `badge-${kind}`] }, iconName ? icon(iconName) : null, text);
  }

  function linkBadges(link) {
    const list = [];
    if (link.disabled) list.push(badge("Disabled", "muted", "pause"));
    else if (isExpired(link)) list.push(badge("Expired", "warn"));
    else list.push(badge("Active", "ok"));
    if (link.has_password) list.push(badge("Password", "info", "lock"));
    if (link.expires_at && !isExpired(link)) list.push(badge(`Expires ${fmtDate(link.expires_at)}`, "neutral"));
    if (link.rules && link.rules.length) list.push(badge(`${link.rules.length} rule${link.rules.length > 1 ? "s" : ""}`, "neutral"));
    if (link.pixels && link.pixels.length) list.push(badge(`${link.pixels.length} pixel${link.pixels.length > 1 ? "s" : ""}`, "neutral"));
    return h("span", { class: "badges" }, list);
  }

  function toggle(label, checked, attrs) {
    const input = h("input", { type: "checkbox", role: "switch", checked: !!checked, ...attrs });
    return h("label", { class: "switch" }, input, h("span", { class: "switch-track", "aria-hidden": "true" }), h("span", { class: "switch-label" }, label));
  }

  function select(options, value, attrs) {
    return h("select", attrs, options.map(([v, label]) => h("option", { value: v, selected: String(v) === String(value) }, label)));
  }

  // ---------------------------------------------------------------- session, shell and router

  function sessionEnded() {
    state.user = null;
    state.csrf = null;
    renderLogin("Your session has ended. Log in again to continue.");
  }

  async function boot() {
    try {
      const data = await api("GET", "/admin/session");
      state.user = data.user;
      state.csrf = data.csrf_token;
      if (data.base_url) state.baseHost = new URL(data.base_url).host;
      route();
    } catch (error) {
      if (error instanceof ApiFailure && error.status === 401) renderLogin();
      else root.replaceChildren(h("div", { class: "center-screen" }, failure(error, boot)), toasts);
    }
  }

  function footer() {
    return h("footer", { class: "footer" },
      h("span", null, "kurz"),
      h("span", { class: "dot" }, "·"),
      h("a", { href: "https://db-ip.com", rel: "noopener", target: "_blank" }, "IP geolocation by DB-IP"));
  }

  function brand() {
    return h("a", { class: "brand", href: "#/links" },
      svg("svg", { class: "brand-mark", viewBox: "0 0 32 32", "aria-hidden": "true" },
        svg("rect", { width: 32, height: 32, rx: 8 }),
        svg("path", { d: "M10 8v16M10 17l8-9M13 14l7 10" })),
      h("span", null, "kurz"));
  }

  function renderLogin(notice) {
    const email = h("input", { type: "email", name: "email", autocomplete: "username", required: true, autofocus: true, placeholder: "you@example.com" });
    const password = h("input", { type: "password", name: "password", autocomplete: "current-password", required: true });
    const general = alertBox();
    const submit = h("button", { type: "submit", class: "btn btn-primary btn-block" }, h("span", null, "Log in"));
    const form = h("form", { class: "login-form", novalidate: true },
      notice ? h("div", { class: "alert alert-info" }, icon("alert"), h("div", null, h("p", null, notice))) : null,
      general,
      field("Email", email, { name: "email" }),
      field("Password", password, { name: "password" }),
      submit);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(form);
      showAlert(general, []);
      const missing = {};
      if (!email.value.trim()) missing.email = ["Enter your email."];
      if (!password.value) missing.password = ["Enter your password."];
      if (Object.keys(missing).length) return showErrors(form, general, missing);
      await busy(submit, async () => {
        try {
          const data = await api("POST", "/admin/login", { email: email.value.trim(), password: password.value });
          state.user = data.user;
          state.csrf = data.csrf_token;
          if (data.base_url) state.baseHost = new URL(data.base_url).host;
          if (!location.hash || location.hash === "#" || location.hash === "#/") history.replaceState(null, "", "#/links");
          route();
        } catch (error) {
          showFailure(form, general, error);
          password.value = "";
        }
      });
    });
    document.title = "Log in · kurz";
    root.className = "";
    root.replaceChildren(
      h("div", { class: "login-screen" },
        h("div", { class: "login-card" },
          h("div", { class: "login-brand" }, brand()),
          h("h1", null, "Welcome back"),
          h("p", { class: "muted" }, "Log in to manage your short links."),
          form),
        footer()),
      toasts);
    email.focus();
  }

  const NAV = [
    ["links", "Links", "link"],
    ["domains", "Domains", "globe"],
    ["pixels", "Pixels", "target"],
    ["users", "Users", "users", true],
    ["account", "Account", "user"],
  ];

  let shell = null;

  function buildShell() {
    const nav = h("nav", { class: "nav", "aria-label": "Main" },
      NAV.filter(([, , , adminOnly]) => !adminOnly || state.user.role === "admin").map(([key, label, iconName]) =>
        h("a", { href: `#/${key}`, class: "nav-item", "data-nav": key }, icon(iconName), h("span", null, label))));
    const logout = button("Log out", { variant: "ghost", class: "nav-logout", onclick: (event) => logOut(event.currentTarget) }, "logout");
    const menuButton = iconButton("menu", "Menu", { class: "menu-button", "aria-expanded": "false", "aria-controls": "sidebar" });
    const sidebar = h("aside", { class: "sidebar", id: "sidebar" },
      h("div", { class: "sidebar-brand" }, brand()),
      nav,
      h("div", { class: "sidebar-foot" },
        h("div", { class: "whoami" }, h("span", { class: "avatar", "aria-hidden": "true" }, state.user.email.charAt(0).toUpperCase()),
          h("div", null, h("div", { class: "whoami-email" }, state.user.email), h("div", { class: "muted small" }, state.user.role === "admin" ? "Administrator" : "User"))),
        logout));
    const main = h("main", { class: "main", id: "main" });
    const frame = h("div", { class: "shell" },
      h("header", { class: "topbar" }, brand(), menuButton),
      sidebar,
      h("div", { class: "main-wrap" }, main, footer()));
    // On a phone the menu drops over the page; a tap outside it closes it.
    frame.querySelector(".main-wrap").addEventListener("click", () => {
      if (frame.classList.contains("nav-open")) { frame.classList.remove("nav-open"); menuButton.setAttribute("aria-expanded", "false"); }
    });
    menuButton.addEventListener("click", () => {
      const open = frame.classList.toggle("nav-open");
      menuButton.setAttribute("aria-expanded", String(open));
    });
    shell = { frame, main, nav, menuButton, user: state.user };
    root.className = "";
    root.replaceChildren(frame, toasts);
  }

  async function logOut(btn) {
    await busy(btn, async () => {
      try { await api("POST", "/admin/logout", {}); } catch (error) {
        if (!(error instanceof ApiFailure && error.status === 401)) { toast(allMessages(error).join(" "), "error"); return; }
      }
      state.user = null;
      state.csrf = null;
      shell = null;
      renderLogin("You have been logged out.");
    });
  }

  function parseHash() {
    const raw = location.hash.replace(/^#\/?/, "");
    const [path, query] = raw.split("?");
    return { parts: (path || "links").split("/").filter(Boolean), params: new URLSearchParams(query || "") };
  }

  // A screen with unsaved changes sets this (the link form): leaving it asks first.
  let unsaved = null;
  let shownHash = location.hash;

  function route() {
    unsaved = null;
    shownHash = location.hash;
    if (!state.user) { renderLogin(); return; }
    if (!shell || shell.user !== state.user || !root.contains(shell.frame)) buildShell();
    const { parts, params } = parseHash();
    const [section, id, action] = parts;
    let view;
    let title = "Links";
    if (section === "links" && id === "new") { view = linkFormScreen(null); title = "New link"; }
    else if (section === "links" && /^\d+$/.test(id || "") && action === "edit") { view = linkFormScreen(Number(id)); title = "Edit link"; }
    else if (section === "links" && /^\d+$/.test(id || "")) { view = linkDetailScreen(Number(id)); title = "Link"; }
    else if (section === "domains") { view = domainsScreen(); title = "Domains"; }
    else if (section === "pixels") { view = pixelsScreen(); title = "Pixels"; }
    else if (section === "users" && state.user.role === "admin") { view = usersScreen(); title = "Users"; }
    else if (section === "account") { view = accountScreen(); title = "Account"; }
    else { view = linksScreen(params); }
    document.title = `${title} · kurz`;
    for (const item of shell.nav.querySelectorAll(".nav-item")) {
      const active = item.dataset.nav === (NAV.some(([key]) => key === section) ? section : "links");
      item.classList.toggle("active", active);
      if (active) item.setAttribute("aria-current", "page"); else item.removeAttribute("aria-current");
    }
    shell.frame.classList.remove("nav-open");
    shell.menuButton.setAttribute("aria-expanded", "false");
    shell.main.replaceChildren(view);
    window.scrollTo(0, 0);
  }

  const go = (hash) => { if (location.hash === hash) route(); else location.hash = hash; };

  // ---------------------------------------------------------------- Links: list

  const LINK_SORTS = [["", "Newest first"], ["created_at.asc", "Oldest first"], ["clicks", "Most clicked"], ["title", "Title A–Z"], ["slug", "Short URL A–Z"]];

  function linksScreen(params) {
    const query = { q: params.get("q") || "", tag: params.get("tag") || "", sort: params.get("sort") || "", page: Math.max(1, Number(params.get("page")) || 1) };
    const perPage = 20;
    const search = h("input", { type: "search", value: query.q, placeholder: "Search slug, destination or title", "aria-label": "Search links" });
    const tagsList = h("datalist", { id: uid("tags") }, [...knownTags].map((t) => h("option", { value: t })));
    const tagInput = h("input", { type: "text", value: query.tag, placeholder: "Filter by tag", "aria-label": "Filter by tag", list: tagsList.id });
    const clearFilters = button("Clear", { variant: "ghost", onclick: () => { search.value = ""; tagInput.value = ""; update(1); } }, "x");
    // A value is the API's sort, and its order when not the default one.
    const sortSelect = select(LINK_SORTS, query.sort, { class: "select-sm", "aria-label": "Sort links", name: "sort" });
    sortSelect.addEventListener("change", () => update(1));
    const results = h("div", { class: "results", tabindex: "-1", "aria-label": "Links" }, loading("Loading links…"));
    let paged = false;
    // An administrator's list holds everyone's links: each one not theirs names its owner.
    let owners = null;
    if (state.user.role === "admin") {
      api("GET", "/api/users").then(({ users }) => {
        owners = new Map(users.map((u) => [u.id, u.email]));
        if (view.isConnected && results.querySelector("table")) load();
      }, () => {});
    }
    const summary = h("p", { class: "muted" }, "Your short links and how often they were clicked.");

    const view = h("div", { class: "view" },
      pageHeader("Links", null, h("a", { href: "#/links/new", class: "btn btn-primary" }, icon("plus"), h("span", null, "New link"))),
      h("div", { class: "toolbar" },
        h("div", { class: "search-box" }, icon("search"), search),
        h("div", { class: "tag-filter" }, h("span", { class: "tag-filter-hash", "aria-hidden": "true" }, "#"), tagInput, tagsList),
        sortSelect,
        clearFilters),
      results);
    view.querySelector(".page-title").append(summary);

    let timer = null;
    let seq = 0;
    function update(page) {
      // A search typed just before leaving must not pull the address back to this screen.
      if (!view.isConnected) return;
      query.q = search.value.trim();
      query.tag = tagInput.value.trim();
      query.sort = sortSelect.value;
      query.page = page;
      const qs = new URLSearchParams();
      if (query.q) qs.set("q", query.q);
      if (query.tag) qs.set("tag", query.tag);
      if (query.sort) qs.set("sort", query.sort);
      if (page > 1) qs.set("page", String(page));
      // replaceState does not fire hashchange: the screen stays, and so does the focus in the search box.
      history.replaceState(null, "", `#/links${qs.toString() ? `?${qs}` : ""}`);
      load();
    }
    search.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(() => update(1), 250); });
    tagInput.addEventListener("change", () => update(1));
    tagInput.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); update(1); } });

    async function load() {
      const mine = ++seq;
      clearFilters.hidden = !query.q && !query.tag;
      const qs = new URLSearchParams({ page: String(query.page), per_page: String(perPage) });
      if (query.q) qs.set("q", query.q);
      if (query.tag) qs.set("tag", query.tag);
      if (query.sort) {
        const [sort, order] = query.sort.split(".");
        qs.set("sort", sort);
        if (order) qs.set("order", order);
      }
      if (!results.firstChild || !results.querySelector("table")) results.replaceChildren(loading("Loading links…"));
      else results.classList.add("is-stale");
      try {
        const data = await api("GET", `/api/links?${qs}`);
        if (mine !== seq) return;
        results.classList.remove("is-stale");
        for (const link of data.links) for (const tag of link.tags || []) knownTags.add(tag);
        tagsList.replaceChildren(...[...knownTags].sort().map((t) => h("option", { value: t })));
        const total = data.pagination ? data.pagination.total : data.links.length;
        summary.textContent = total === 1 ? "1 link" : `${fmtNumber(total)} links`;
        if (query.q || query.tag) summary.textContent += " match your filters";
        if (!data.links.length && total > 0) {
          // A page past the end (an old bookmark): say so, and offer the last page.
          const last = Math.ceil(total / perPage);
          results.replaceChildren(card(null, emptyState("link", `There is no page ${query.page}`, `The links end on page ${last}.`,
            h("button", { type: "button", class: "btn btn-primary", onclick: () => update(last) }, h("span", null, `Go to page ${last}`)))));
          return;
        }
        if (!data.links.length) {
          results.replaceChildren(card(null, query.q || query.tag
            ? emptyState("search", "No links match", "Try another search or clear the filters.", clearFilters.cloneNode(true))
            : emptyState("link", "No links yet", "Shorten your first URL — it takes a few seconds.",
              h("a", { href: "#/links/new", class: "btn btn-primary" }, icon("plus"), h("span", null, "Create a link")))));
          const again = results.querySelector(".empty .btn");
          if (again && (query.q || query.tag)) again.addEventListener("click", () => { search.value = ""; tagInput.value = ""; update(1); });
          return;
        }
        results.replaceChildren(...[linksTable(data.links, (tag) => { tagInput.value = tag; update(1); }, owners),
          pagination(data.pagination || { page: 1, per_page: perPage, total }, (page) => { paged = true; update(page); })].filter(Boolean));
        // After Previous or Next, the keyboard and screen readers start at the top of the new page.
        if (paged) { paged = false; results.focus(); }
      } catch (error) {
        if (mine === seq) results.replaceChildren(failure(error, load));
      }
    }
    load();
    return view;
  }

  function linksTable(links, onTag, owners) {
    const rows = links.map((link) => {
      const detail = `#/links/${link.id}`;
      const title = link.title || untitled(link.long_url);
      const owner = owners && link.user_id !== state.user.id ? owners.get(link.user_id) : null;
      return h("tr", { "data-link-id": link.id },
        h("td", { class: "cell-link", "data-label": "Link" },
          h("a", { href: detail, class: "link-title" }, title),
          owner ? h("div", { class: "owner muted small", "data-owner": owner }, `by ${owner}`) : null,
          h("div", { class: "short-row" },
            h("a", { href: safeHref(link.short_url), class: "short-url", target: "_blank", rel: "noopener" }, shortDisplay(link.short_url)),
            copyButton(link.short_url, "Short URL")),
          h("div", { class: "long-url", title: link.long_url }, icon("next", "icon-xs"), h("span", null, link.long_url))),
        h("td", { "data-label": "Tags", class: "cell-tags" },
          (link.tags || []).length ? h("div", { class: "chips" }, link.tags.map((tag) => h("button", { type: "button", class: "chip chip-button", title: `Show links tagged ${tag}`, onclick: () => onTag(tag) }, tag)))
            : h("span", { class: "muted" }, "—")),
        h("td", { "data-label": "Status", class: "cell-status" }, linkBadges(link)),
        h("td", { "data-label": "Clicks", class: "cell-num" }, h("a", { href: detail, class: "clicks" }, fmtNumber(link.clicks))),
        h("td", { "data-label": "Created", class: "cell-date" }, fmtDate(link.created_at)),
        h("td", { class: "cell-actions" }, h("a", { href: detail, class: "btn btn-icon", "aria-label": "Open link details", title: "Details" }, icon("next"))));
    });
    return h("div", { class: "card table-card" },
      h("table", { class: "table table-links" },
        h("thead", null, h("tr", null, h("th", null, "Link"), h("th", null, "Tags"), h("th", null, "Status"), h("th", { class: "cell-num" }, "Clicks"), h("th", null, "Created"), h("th", null, h("span", { class: "sr-only" }, "Actions")))),
        h("tbody", null, rows)));
  }

  function pagination({ page, per_page: perPage, total }, onPage) {
    const pages = Math.max(1, Math.ceil(total / perPage));
    if (total <= perPage && page === 1) return null;
    const from = total ? (page - 1) * perPage + 1 : 0;
    const to = Math.min(total, page * perPage);
    return h("nav", { class: "pagination", "aria-label": "Pages" },
      h("span", { class: "muted" }, `${fmtNumber(from)}–${fmtNumber(to)} of ${fmtNumber(total)}`),
      h("div", { class: "pagination-buttons" },
        button("Previous", { variant: "secondary", disabled: page <= 1, onclick: () => onPage(page - 1) }, "back"),
        h("span", { class: "page-no" }, `Page ${page} of ${pages}`),
        h("button", { type: "button", class: "btn btn-secondary", disabled: page >= pages, onclick: () => onPage(page + 1) }, h("span", null, "Next"), icon("next"))));
  }

  // ---------------------------------------------------------------- Links: create and edit

  function linkFormScreen(id) {
    const view = h("div", { class: "view view-narrow" },
      h("a", { href: id ? `#/links/${id}` : "#/links", class: "back" }, icon("back"), id ? "Back to the link" : "All links"),
      pageHeader(id ? "Edit link" : "New link", id ? "Change where it goes and who gets there." : "Shorten a URL. Everything but the destination is optional."));
    const body = h("div", null, loading());
    view.append(body);
    Promise.all([
      id ? api("GET", `/api/links/${id}`).then((d) => d.link) : Promise.resolve(null),
      api("GET", "/api/domains").then((d) => d.domains).catch(() => []),
      api("GET", "/api/pixels").then((d) => d.pixels).catch(() => []),
    ]).then(([link, domains, pixels]) => body.replaceChildren(linkForm(link, domains, pixels)),
      (error) => body.replaceChildren(failure(error, () => route())));
    return view;
  }

  function chipsInput(initial, name) {
    const tags = [...initial];
    const input = h("input", { type: "text", placeholder: "Add a tag and press Enter", "aria-label": "Tags", autocomplete: "off", maxlength: 50 });
    const box = h("div", { class: "chips-input" });
    function render() {
      box.replaceChildren(...tags.map((tag, i) => h("span", { class: "chip", "data-field": `${name}.${i}` }, tag,
        h("button", { type: "button", class: "chip-remove", "aria-label": `Remove tag ${tag}`, onclick: () => { tags.splice(i, 1); render(); input.focus(); } }, icon("x")))), input);
    }
    function commit() {
      for (const part of input.value.split(",")) {
        const tag = part.trim();
        if (tag && !tags.includes(tag)) tags.push(tag);
      }
      input.value = "";
      render();
    }
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === ",") { event.preventDefault(); commit(); input.focus(); }
      else if (event.key === "Backspace" && !input.value && tags.length) { tags.pop(); render(); input.focus(); }
    });
    input.addEventListener("blur", () => { if (input.value.trim()) commit(); });
    box.addEventListener("click", (event) => { if (event.target === box) input.focus(); });
    render();
    return { node: box, input, value: () => { if (input.value.trim()) commit(); return [...tags]; } };
  }

  function rulesEditor(initial) {
    const list = h("div", { class: "rules" });
    const countryOptions = COUNTRY_CODES.map((code) => [code.toLowerCase(), `${countryName(code)} (${code})`]).sort((a, b) => a[1].localeCompare(b[1]));
    const empty = h("p", { class: "muted small rules-empty" }, "No rules: every visitor goes to the destination above.");

    function keyControl(type, key) {
      if (type === "device") return select(DEVICES, key || "phone", { class: "rule-key", "aria-label": "Device" });
      const options = countryOptions.slice();
      if (key && !options.some(([code]) => code === key.toLowerCase())) options.unshift([key, key]);
      return select([["", "Choose a country…"], ...options], (key || "").toLowerCase(), { class: "rule-key", "aria-label": "Country" });
    }

    function row(rule) {
      const type = select([["device", "Device is"], ["geo", "Country is"]], rule.type, { class: "rule-type", "aria-label": "Rule type" });
      const keySlot = h("div", { class: "rule-key-slot" }, keyControl(rule.type, rule.key));
      const value = h("input", { type: "url", class: "rule-value", value: rule.value || "", placeholder: "https://…", "aria-label": "Send these visitors to" });
      const node = h("div", { class: "rule" },
        h("div", { class: "rule-line" },
          h("div", { class: "rule-cond", "data-role": "type" }, type, h("p", { class: "field-error", hidden: true })),
          h("div", { class: "rule-cond", "data-role": "key" }, keySlot, h("p", { class: "field-error", hidden: true })),
          h("span", { class: "rule-arrow", "aria-hidden": "true" }, "→"),
          h("div", { class: "rule-dest", "data-role": "value" }, value, h("p", { class: "field-error", hidden: true })),
          iconButton("trash", "Remove rule", { class: "rule-remove", onclick: () => { node.remove(); renumber(); } })),
        h("p", { class: "field-error", hidden: true }));
      type.addEventListener("change", () => keySlot.replaceChildren(keyControl(type.value, "")));
      node.collect = () => ({ type: type.value, key: node.querySelector(".rule-key").value, value: value.value.trim() });
      return node;
    }

    function renumber() {
      [...list.children].forEach((node, i) => {
        node.setAttribute("data-field", `rules.${i}`);
        for (const part of node.querySelectorAll("[data-role]")) part.setAttribute("data-field", `rules.${i}.${part.dataset.role}`);
      });
      empty.hidden = list.children.length > 0;
    }

    const add = (type) => () => { const node = row({ type, key: "", value: "" }); list.append(node); renumber(); node.querySelector(".rule-key").focus(); };
    for (const rule of initial) list.append(row(rule));
    renumber();
    const node = h("div", { class: "rules-editor" }, empty, list,
      h("div", { class: "rules-add" },
        button("Device rule", { variant: "secondary", onclick: add("device"), "data-add-rule": "device" }, "plus"),
        button("Country rule", { variant: "secondary", onclick: add("geo"), "data-add-rule": "geo" }, "plus")));
    return { node, value: () => [...list.children].map((r) => r.collect()) };
  }

  function linkForm(link, domains, pixels) {
    const editing = !!link;
    const general = alertBox();
    const longUrl = h("input", { type: "url", name: "long_url", required: true, value: link ? link.long_url : "", placeholder: "https://example.com/a/very/long/page", autocomplete: "off" });
    const title = h("input", { type: "text", name: "title", maxlength: 255, value: link && link.title || "", placeholder: "Read from the page when left empty" });
    const description = h("textarea", { name: "description", rows: 3, maxlength: 1000, placeholder: "Read from the page when left empty" });
    description.value = link && link.description || "";

    const defaultHost = state.baseHost;
    const domainSelect = select([["", `${defaultHost} (default)`], ...domains.map((d) => [String(d.id), d.host])], link && link.domain_id ? link.domain_id : "", { name: "domain_id" });
    const alias = h("input", { type: "text", name: "alias", maxlength: 64, value: link && link.alias || "", placeholder: link ? link.hash : "random", autocomplete: "off", spellcheck: "false" });
    const prefix = h("span", { class: "prefix" }, `${defaultHost}/`);
    const syncPrefix = () => {
      const domain = domains.find((d) => String(d.id) === domainSelect.value);
      prefix.textContent = `${domain ? domain.host : defaultHost}/`;
    };
    domainSelect.addEventListener("change", syncPrefix);
    syncPrefix();

    const tags = chipsInput(link ? link.tags : [], "tags");
    const password = h("input", { type: "password", name: "password", maxlength: 255, autocomplete: "new-password", placeholder: link && link.has_password ? "Unchanged" : "No password" });
    const removePassword = link && link.has_password ? toggle("Remove the password", false, { name: "remove_password" }) : null;
    if (removePassword) removePassword.querySelector("input").addEventListener("change", (event) => { password.disabled = event.target.checked; });
    const initialExpiry = link ? toLocalInput(link.expires_at) : "";
    const expires = h("input", { type: "datetime-local", name: "expires_at", value: initialExpiry });
    const clearExpiry = button("Clear", { variant: "ghost", onclick: () => { expires.value = ""; } });
    const disabled = toggle("Disabled — visitors get a “not found” page", link ? link.disabled : false, { name: "disabled" });
    const rules = rulesEditor(link ? link.rules : []);
    const chosen = new Set(link ? link.pixels : []);
    const pixelBoxes = pixels.map((p) => h("label", { class: "check-card" },
      h("input", { type: "checkbox", value: p.id, checked: chosen.has(p.id), name: "pixels" }),
      h("span", { class: "check-card-body" }, h("strong", null, p.name), h("span", { class: "muted small" }, `${vendorName(p.type)} · ${p.pixel_id}`))));
    const zone = (() => { try { return Intl.DateTimeFormat().resolvedOptions().timeZone; } catch { return "local time"; } })();

    const submit = h("button", { type: "submit", class: "btn btn-primary" }, icon("check"), h("span", null, editing ? "Save changes" : "Create link"));
    const form = h("form", { class: "form link-form", novalidate: true },
      general,
      card("Destination", [
        field("Long URL", longUrl, { name: "long_url", hint: "Where visitors go. Must start with http:// or https://." }),
        field("Title", title, { name: "title", optional: true }),
        field("Description", description, { name: "description", optional: true }),
      ]),
      card("Short link", h("div", { class: "grid-2" },
        field("Domain", domainSelect, { name: "domain_id", hint: domains.length ? null : "Add your own hostnames on the Domains page." }),
        field("Custom alias", h("div", { class: "input-group" }, prefix, alias), { name: "alias", optional: true, hint: "Letters, digits, _ and -. Empty: a random slug." }))),
      card("Tags", field(null, tags.node, { name: "tags", hint: "Press Enter or comma after each tag." }), { subtitle: "Group links and filter the list by tag." }),
      card("Access", [
        h("div", { class: "grid-2" },
          field("Password", h("div", { class: "stack" }, password, removePassword), { name: "password", optional: true, hint: link && link.has_password ? "This link is password protected." : "Visitors must type it before they are sent on." }),
          field("Expires", h("div", { class: "input-group input-group-plain" }, expires, clearExpiry), { name: "expires_at", optional: true, hint: `Your time (${zone}). After this, visitors see an “expired” page.` })),
        field(null, disabled, { name: "disabled" }),
      ]),
      card("Targeting rules", field(null, rules.node, { name: "rules" }), { subtitle: "Send phones, tablets or visitors from a country somewhere else. The first matching rule wins." }),
      card("Retargeting pixels", field(null, pixels.length ? h("div", { class: "check-grid" }, pixelBoxes)
        : h("p", { class: "muted" }, "You have no pixels yet. ", h("a", { href: "#/pixels" }, "Add one on the Pixels page"), "."), { name: "pixels" }),
      { subtitle: "Fired on a short page before the visitor is sent on." }),
      h("div", { class: "form-actions" },
        h("a", { href: editing ? `#/links/${link.id}` : "#/links", class: "btn btn-ghost" }, "Cancel"),
        submit));

    function collect() {
      const body = {
        long_url: longUrl.value.trim(),
        title: title.value.trim() || null,
        description: description.value.trim() || null,
        alias: alias.value.trim() || null,
        domain_id: domainSelect.value ? Number(domainSelect.value) : null,
        tags: tags.value(),
        disabled: disabled.querySelector("input").checked,
        pixels: pixelBoxes.map((b) => b.querySelector("input")).filter((i) => i.checked).map((i) => Number(i.value)),
        rules: rules.value(),
      };
      if (!editing) {
        const out = {};
        for (const [key, value] of Object.entries(body)) {
          if (value === null || value === false || (Array.isArray(value) && !value.length)) continue;
          out[key] = value;
        }
        if (password.value) out.password = password.value;
        if (expires.value) out.expires_at = fromLocalInput(expires.value);
        return out;
      }
      // Edit: send only what changed, so an untouched past expiry or alias is not re-validated.
      const out = {};
      const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
      const norm = (list) => list.map((r) => ({ type: r.type, key: String(r.key).toLowerCase(), value: r.value }));
      if (body.long_url !== link.long_url) out.long_url = body.long_url;
      if (body.title !== (link.title || null)) out.title = body.title;
      if (body.description !== (link.description || null)) out.description = body.description;
      if (body.alias !== (link.alias || null)) out.alias = body.alias;
      if (body.domain_id !== (link.domain_id || null)) out.domain_id = body.domain_id;
      if (!same(body.tags, link.tags)) out.tags = body.tags;
      if (body.disabled !== link.disabled) out.disabled = body.disabled;
      if (!same([...body.pixels].sort(), [...link.pixels].sort())) out.pixels = body.pixels;
      if (!same(norm(body.rules), norm(link.rules))) out.rules = body.rules;
      if (removePassword && removePassword.querySelector("input").checked) out.password = null;
      else if (password.value) out.password = password.value;
      if (expires.value !== initialExpiry) out.expires_at = expires.value ? fromLocalInput(expires.value) : null;
      return out;
    }

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(form);
      showAlert(general, []);
      const body = collect();
      if (!body.long_url && !editing) { showErrors(form, general, { long_url: ["Enter the URL the short link should send visitors to."] }); return; }
      if (editing && !Object.keys(body).length) { toast("Nothing changed"); go(`#/links/${link.id}`); return; }
      await busy(submit, async () => {
        try {
          const data = editing ? await api("PATCH", `/api/links/${link.id}`, body) : await api("POST", "/api/links/create", body);
          saved = true;
          toast(editing ? "Changes saved" : "Link created");
          go(`#/links/${data.link.id}`);
        } catch (error) {
          showFailure(form, general, error);
        }
      });
    });
    const untouched = JSON.stringify(collect());
    let saved = false;
    unsaved = () => !saved && form.isConnected && JSON.stringify(collect()) !== untouched;
    setTimeout(() => (editing ? title : longUrl).focus(), 0);
    return form;
  }

  // ---------------------------------------------------------------- Links: detail and stats

  function linkDetailScreen(id) {
    const view = h("div", { class: "view" }, h("a", { href: "#/links", class: "back" }, icon("back"), "All links"));
    const body = h("div", null, loading("Loading the link…"));
    view.append(body);
    api("GET", `/api/links/${id}`).then(
      (data) => body.replaceChildren(linkDetail(data.link)),
      (error) => body.replaceChildren(failure(error, () => route())));
    return view;
  }

  function linkDetail(link) {
    const slug = slugOf(link);
    // Served on this origin for every link (img-src 'self'), whatever the link's domain.
    const qrBase = `/api/links/${link.id}/qr`;
    const toggleBtn = button(link.disabled ? "Enable" : "Disable", { variant: "secondary", "data-action": "toggle" }, link.disabled ? "play" : "pause");
    const deleteBtn = button("Delete", { variant: "danger-ghost", "data-action": "delete" }, "trash");
    toggleBtn.addEventListener("click", () => busy(toggleBtn, async () => {
      try {
        await api("PATCH", `/api/links/${link.id}`, { disabled: !link.disabled });
        toast(link.disabled ? "Link enabled" : "Link disabled");
        route();
      } catch (error) { toast(allMessages(error).join(" "), "error"); }
    }));
    deleteBtn.addEventListener("click", async () => {
      const ok = await confirmDialog({ title: "Delete this link?", text: `${shortDisplay(link.short_url)} will stop working at once and its clicks are deleted with it. This cannot be undone.`, confirm: "Delete link", danger: true });
      if (!ok) return;
      await busy(deleteBtn, async () => {
        try { await api("DELETE", `/api/links/${link.id}`); toast("Link deleted"); go("#/links"); } catch (error) { toast(allMessages(error).join(" "), "error"); }
      });
    });

    const facts = [
      ["Created", fmtDateTime(link.created_at)],
      ["Updated", fmtDateTime(link.updated_at)],
      ["Expires", link.expires_at ? fmtDateTime(link.expires_at) : "Never"],
      ["Slug", slug],
      // Anyone can see where a short link leads before following it: its address with a "+".
      ["Preview", safeHref(link.short_url)
        ? h("a", { href: `${link.short_url}+`, target: "_blank", rel: "noopener", "data-preview": "" }, `${shortDisplay(link.short_url)}+`)
        : `${shortDisplay(link.short_url)}+`],
    ];
    const hero = h("section", { class: "card hero" },
      h("div", { class: "hero-main" },
        h("div", { class: "hero-title" }, h("h1", null, link.title || untitled(link.long_url)), linkBadges(link)),
        h("div", { class: "hero-short" },
          h("a", { href: safeHref(link.short_url), class: "short-url short-url-big", target: "_blank", rel: "noopener" }, shortDisplay(link.short_url)),
          copyButton(link.short_url, "Short URL", true),
          h("a", { href: safeHref(link.short_url), class: "btn btn-ghost", target: "_blank", rel: "noopener" }, icon("external"), h("span", null, "Open"))),
        h("p", { class: "hero-long" }, icon("next", "icon-xs"), safeHref(link.long_url) ? h("a", { href: link.long_url, target: "_blank", rel: "noopener noreferrer" }, link.long_url) : link.long_url),
        link.description ? h("p", { class: "muted hero-desc" }, link.description) : null,
        (link.tags || []).length ? h("div", { class: "chips" }, link.tags.map((tag) => h("a", { class: "chip", href: `#/links?tag=${encodeURIComponent(tag)}` }, tag))) : null),
      h("div", { class: "hero-actions" },
        h("a", { href: `#/links/${link.id}/edit`, class: "btn btn-primary" }, icon("edit"), h("span", null, "Edit")),
        toggleBtn, deleteBtn));

    const statsBox = h("div", { class: "stats" });
    const side = h("div", { class: "side" },
      card("QR code", h("div", { class: "qr" },
        h("div", { class: "qr-frame" }, h("img", { src: qrBase, alt: `QR code for ${shortDisplay(link.short_url)}`, width: 180, height: 180, class: "qr-img" })),
        h("div", { class: "qr-actions" },
          h("a", { href: qrBase, download: `${slug}-qr.svg`, class: "btn btn-secondary", "data-qr": "svg" }, icon("download"), h("span", null, "SVG")),
          h("a", { href: `${qrBase}?format=png&size=512`, download: `${slug}-qr.png`, class: "btn btn-secondary", "data-qr": "png" }, icon("download"), h("span", null, "PNG 512 px"))))),
      card("Details", h("dl", { class: "facts" }, facts.map(([k, v]) => [h("dt", null, k), h("dd", null, v)]))),
      card("Targeting rules", link.rules.length
        ? h("ol", { class: "rule-list" }, link.rules.map((r) => h("li", null,
          h("span", { class: "rule-when" }, r.type === "geo" ? [countryCode(r.key), countryName(r.key)] : deviceName(r.key)),
          h("span", { class: "rule-arrow" }, "→"),
          safeHref(r.value) ? h("a", { href: r.value, target: "_blank", rel: "noopener noreferrer", class: "rule-to" }, r.value) : h("span", { class: "rule-to" }, r.value))))
        : h("p", { class: "muted small" }, "None — everyone goes to the destination.")),
      link.pixels.length ? card("Pixels", h("p", { class: "muted small" }, link.pixels.length > 1 ? `${link.pixels.length} pixels fire before the redirect.` : "1 pixel fires before the redirect.")) : null);

    const layout = h("div", { class: "detail" }, hero, h("div", { class: "detail-grid" }, statsBox, side));
    statsPanel(statsBox, link);
    return layout;
  }

  const RANGES = [["7", "7 days"], ["30", "30 days"], ["90", "90 days"], ["all", "All time"]];
  // Stats days are the browser's: "today" and the chart's days as the person looking at them lives them.
  const browserZone = (() => { try { return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; } catch { return "UTC"; } })();
  const localDay = (date) => `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;

  function statsPanel(box, link) {
    let range = "30";
    const tabs = h("div", { class: "segmented", role: "group", "aria-label": "Period" });
    const content = h("div", { class: "stats-content" }, loading("Loading clicks…"));
    function renderTabs() {
      tabs.replaceChildren(...RANGES.map(([key, label]) => h("button", {
        type: "button", class: ["segment", key === range ? "active" : null], "aria-pressed": String(key === range),
        onclick: () => { range = key; renderTabs(); load(); },
      }, label)));
    }
    async function load() {
      const qs = new URLSearchParams({ tz: browserZone });
      if (range !== "all") {
        const today = new Date();
        const from = new Date(today.getFullYear(), today.getMonth(), today.getDate() - (Number(range) - 1));
        qs.set("from", localDay(from));
        qs.set("to", localDay(today));
      }
      content.classList.add("is-stale");
      try {
        const data = await api("GET", `/api/links/${link.id}/stats${qs.toString() ? `?${qs}` : ""}`);
        content.classList.remove("is-stale");
        content.replaceChildren(statsView(data.stats));
      } catch (error) {
        content.classList.remove("is-stale");
        content.replaceChildren(failure(error, load));
      }
    }
    renderTabs();
    box.replaceChildren(h("div", { class: "stats-head" }, h("h2", null, "Clicks"), tabs), content);
    load();
  }

  function statsView(stats) {
    const top = (list, fmt) => (list && list.length ? fmt(list[0].key) : "—");
    const tiles = h("div", { class: "tiles" },
      tile("Clicks", fmtNumber(stats.total), "human visits", "clicks"),
      tile("Bots", fmtNumber(stats.bots), "crawlers and previews", "bots"),
      tile("Top country", top(stats.countries, (k) => [countryCode(k), countryName(k)]), null, "country"),
      tile("Top device", top(stats.devices, deviceName), null, "device"));
    const chart = h("div", { class: "chart", role: "img", "aria-label": `Clicks per day: ${stats.total} in total` });
    const lists = h("div", { class: "top-lists" },
      topList("Countries", stats.countries, countryName, countryCode),
      topList("Devices", stats.devices, deviceName),
      topList("Browsers", stats.browsers, (k) => (unknownKey(k) ? "Unknown" : k)),
      topList("Operating systems", stats.os, (k) => (unknownKey(k) ? "Unknown" : k)),
      topList("Referrers", stats.referrers, (k) => (unknownKey(k) ? "Direct or unknown" : k)));
    const node = h("div", null, tiles, card("Clicks per day", chart, { class: "chart-card" }), lists);
    // The chart is drawn at its real pixel width so its labels keep their size on a phone.
    let width = 0;
    const draw = () => {
      const now = chart.clientWidth;
      if (!now || Math.abs(now - width) < 2) return;
      width = now;
      chart.replaceChildren(barChart(stats.days || [], width));
    };
    if (window.ResizeObserver) new ResizeObserver(draw).observe(chart);
    requestAnimationFrame(draw);
    return node;
  }

  const deviceName = (key) => (unknownKey(key) ? "Unknown" : (DEVICES.find(([k]) => k === key) || [key, capitalise(key)])[1]);

  function tile(label, value, note, name) {
    return h("div", { class: "tile", "data-tile": name }, h("div", { class: "tile-label" }, label), h("div", { class: "tile-value" }, value), note ? h("div", { class: "tile-note" }, note) : null);
  }

  function topList(title, list, label, decorate) {
    const items = (list || []).slice(0, 8);
    const max = items.reduce((m, i) => Math.max(m, i.clicks), 0) || 1;
    const total = (list || []).reduce((s, i) => s + i.clicks, 0) || 1;
    return card(title, items.length
      ? h("ul", { class: "bars" }, items.map((item) => h("li", { class: "bar-row" },
        h("div", { class: "bar-text" }, h("span", { class: "bar-label", title: label(item.key) }, decorate ? decorate(item.key) : null, label(item.key)),
          h("span", { class: "bar-count" }, fmtNumber(item.clicks), h("span", { class: "muted" }, ` · ${Math.round((item.clicks / total) * 100)}%`))),
        svg("svg", { class: "hbar", viewBox: "0 0 100 6", preserveAspectRatio: "none", "aria-hidden": "true" },
          svg("rect", { class: "hbar-track", x: 0, y: 0, width: 100, height: 6, rx: 3 }),
          svg("rect", { class: "hbar-fill", x: 0, y: 0, width: Math.max(2, (item.clicks / max) * 100), height: 6, rx: 3 })))))
      : h("p", { class: "muted small" }, "No clicks yet."), { class: "top-list" });
  }

  /** The chart's top: four gridline steps of 1, 2 or 5 × 10^n, so every tick is a whole number. */
  function niceMax(value) {
    const raw = Math.max(1, value / 4);
    const exp = 10 ** Math.floor(Math.log10(raw));
    for (const step of [1, 2, 5, 10]) if (step * exp >= raw) return step * exp * 4;
    return 40 * exp;
  }

  function shortDay(date) {
    const d = new Date(`${date}T00:00:00Z`);
    return Number.isNaN(d.getTime()) ? date : d.toLocaleDateString(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
  }

  function barChart(days, width) {
    const height = 220;
    const left = 36, right = 8, top = 12, bottom = 28;
    const plotW = Math.max(10, width - left - right);
    const plotH = height - top - bottom;
    const max = niceMax(days.reduce((m, d) => Math.max(m, d.clicks), 0));
    const n = Math.max(1, days.length);
    const slot = plotW / n;
    const barW = Math.max(1, Math.min(28, slot * 0.7));
    const parts = [];
    for (let i = 0; i <= 4; i++) {
      const value = (max / 4) * i;
      const y = top + plotH - (value / max) * plotH;
      parts.push(svg("line", { class: i === 0 ? "axis" : "grid", x1: left, x2: width - right, y1: y, y2: y }));
      parts.push(svg("text", { class: "tick", x: left - 8, y: y + 4, "text-anchor": "end" }, fmtNumber(value)));
    }
    days.forEach((day, i) => {
      const barH = (day.clicks / max) * plotH;
      const x = left + i * slot + (slot - barW) / 2;
      parts.push(svg("g", { class: "bar-group" },
        svg("rect", { class: "bar-hit", x: left + i * slot, y: top, width: slot, height: plotH }),
        svg("rect", { class: ["bar", day.clicks ? null : "bar-zero"], x, y: top + plotH - Math.max(day.clicks ? 2 : 0, barH), width: barW, height: Math.max(day.clicks ? 2 : 0, barH), rx: Math.min(4, barW / 2) }),
        svg("title", null, `${shortDay(day.date)}: ${day.clicks} click${day.clicks === 1 ? "" : "s"}`)));
    });
    const labelCount = Math.max(2, Math.min(days.length, Math.floor(plotW / 70)));
    const seen = new Set();
    for (let j = 0; j < labelCount && days.length; j++) {
      const i = days.length === 1 ? 0 : Math.round((j * (days.length - 1)) / (labelCount - 1));
      if (seen.has(i)) continue;
      seen.add(i);
      const anchor = j === 0 ? "start" : j === labelCount - 1 ? "end" : "middle";
      const cx = left + i * slot + slot / 2;
      parts.push(svg("text", { class: "tick", x: anchor === "start" ? Math.max(left, cx - barW / 2) : anchor === "end" ? Math.min(width - right, cx + barW / 2) : cx, y: height - 8, "text-anchor": days.length === 1 ? "middle" : anchor }, shortDay(days[i].date)));
    }
    if (!days.some((d) => d.clicks)) parts.push(svg("text", { class: "chart-empty", x: left + plotW / 2, y: top + plotH / 2, "text-anchor": "middle" }, "No clicks in this period yet"));
    return svg("svg", { class: "bar-chart", width, height, viewBox: `0 0 ${width} ${height}` }, parts);
  }

  // ---------------------------------------------------------------- Domains

  function domainsScreen() {
    const list = h("div", null, loading());
    const host = h("input", { type: "text", name: "host", placeholder: "go.example.com", autocomplete: "off", spellcheck: "false" });
    const notFound = h("input", { type: "url", name: "not_found_url", placeholder: "https://example.com/" });
    const general = alertBox();
    const submit = h("button", { type: "submit", class: "btn btn-primary" }, icon("plus"), h("span", null, "Add domain"));
    const form = h("form", { class: "form", novalidate: true }, general,
      h("div", { class: "grid-2" },
        field("Host", host, { name: "host", hint: "Point its DNS (A/AAAA or CNAME) at this server first." }),
        field("Not-found page", notFound, { name: "not_found_url", optional: true, hint: "Where unknown slugs on this host send visitors." })),
      h("div", { class: "form-actions form-actions-inline" }, submit));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(form);
      await busy(submit, async () => {
        try {
          const body = { host: host.value.trim() };
          if (notFound.value.trim()) body.not_found_url = notFound.value.trim();
          await api("POST", "/api/domains", body);
          host.value = ""; notFound.value = "";
          showAlert(general, []);
          toast("Domain added");
          load();
        } catch (error) { showFailure(form, general, error); }
      });
    });
    const listAlert = alertBox();
    async function load() {
      try {
        const { domains } = await api("GET", "/api/domains");
        list.replaceChildren(domains.length
          ? h("div", { class: "card table-card" }, h("table", { class: "table" },
            h("thead", null, h("tr", null, h("th", null, "Host"), h("th", null, "Not-found page"), h("th", null, "Added"), h("th", null, h("span", { class: "sr-only" }, "Actions")))),
            h("tbody", null, domains.map((d) => {
              const del = iconButton("trash", `Delete ${d.host}`, { class: "btn-danger-ghost" });
              del.addEventListener("click", async () => {
                if (!await confirmDialog({ title: `Delete ${d.host}?`, text: "Links can no longer be created on this host. A domain that links still use cannot be deleted.", confirm: "Delete domain", danger: true })) return;
                await busy(del, async () => {
                  try { await api("DELETE", `/api/domains/${d.id}`); showAlert(listAlert, []); toast("Domain deleted"); load(); } catch (error) { showAlert(listAlert, allMessages(error)); listAlert.scrollIntoView({ block: "nearest" }); }
                });
              });
              return h("tr", null,
                h("td", { "data-label": "Host" }, h("span", { class: "mono strong" }, d.host)),
                h("td", { "data-label": "Not-found page" }, d.not_found_url ? h("span", { class: "truncate" }, d.not_found_url) : h("span", { class: "muted" }, "kurz’s own page")),
                h("td", { "data-label": "Added" }, fmtDate(d.created_at)),
                h("td", { class: "cell-actions" }, del));
            }))))
          : card(null, emptyState("globe", "No custom domains", "Links use this server’s address until you add a domain of your own.")));
      } catch (error) { list.replaceChildren(failure(error, load)); }
    }
    load();
    return h("div", { class: "view" },
      pageHeader("Domains", "Serve short links from your own hostnames."),
      card("Add a domain", form),
      h("h2", { class: "section-title" }, "Your domains"), listAlert, list);
  }

  // ---------------------------------------------------------------- Pixels

  function pixelsScreen() {
    const list = h("div", null, loading());
    const name = h("input", { type: "text", name: "name", maxlength: 100, placeholder: "Main Meta pixel" });
    const type = select(PIXEL_VENDORS.map(([v, label]) => [v, label]), "facebook", { name: "type" });
    const pixelId = h("input", { type: "text", name: "pixel_id", maxlength: 100, autocomplete: "off", spellcheck: "false" });
    const idField = field("Pixel id", pixelId, { name: "pixel_id", hint: " " });
    const syncHint = () => {
      const vendor = PIXEL_VENDORS.find((v) => v[0] === type.value);
      idField.querySelector(".hint").textContent = vendor ? `${vendor[1]}: ${vendor[2]}.` : "";
    };
    type.addEventListener("change", syncHint);
    syncHint();
    const general = alertBox();
    const submit = h("button", { type: "submit", class: "btn btn-primary" }, icon("plus"), h("span", null, "Add pixel"));
    const form = h("form", { class: "form", novalidate: true }, general,
      h("div", { class: "grid-3" }, field("Name", name, { name: "name" }), field("Vendor", type, { name: "type" }), idField),
      h("div", { class: "form-actions form-actions-inline" }, submit));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(form);
      await busy(submit, async () => {
        try {
          await api("POST", "/api/pixels", { name: name.value.trim(), type: type.value, pixel_id: pixelId.value.trim() });
          name.value = ""; pixelId.value = "";
          showAlert(general, []);
          toast("Pixel added");
          load();
        } catch (error) { showFailure(form, general, error); }
      });
    });
    const listAlert = alertBox();
    async function load() {
      try {
        const { pixels } = await api("GET", "/api/pixels");
        list.replaceChildren(pixels.length
          ? h("div", { class: "card table-card" }, h("table", { class: "table" },
            h("thead", null, h("tr", null, h("th", null, "Name"), h("th", null, "Vendor"), h("th", null, "Pixel id"), h("th", null, "Added"), h("th", null, h("span", { class: "sr-only" }, "Actions")))),
            h("tbody", null, pixels.map((p) => {
              const del = iconButton("trash", `Delete ${p.name}`, { class: "btn-danger-ghost" });
              del.addEventListener("click", async () => {
                if (!await confirmDialog({ title: `Delete “${p.name}”?`, text: "Links that use it stop firing it.", confirm: "Delete pixel", danger: true })) return;
                await busy(del, async () => {
                  try { await api("DELETE", `/api/pixels/${p.id}`); showAlert(listAlert, []); toast("Pixel deleted"); load(); } catch (error) { showAlert(listAlert, allMessages(error)); }
                });
              });
              return h("tr", null,
                h("td", { "data-label": "Name" }, h("strong", null, p.name)),
                h("td", { "data-label": "Vendor" }, vendorName(p.type)),
                h("td", { "data-label": "Pixel id" }, h("span", { class: "mono" }, p.pixel_id)),
                h("td", { "data-label": "Added" }, fmtDate(p.created_at)),
                h("td", { class: "cell-actions" }, del));
            }))))
          : card(null, emptyState("target", "No pixels yet", "Add a Meta, Google, LinkedIn or other pixel, then pick it on a link to build retargeting audiences from its visitors.")));
      } catch (error) { list.replaceChildren(failure(error, load)); }
    }
    load();
    return h("div", { class: "view" },
      pageHeader("Pixels", "Retargeting pixels that fire when someone follows your links."),
      card("Add a pixel", form),
      h("h2", { class: "section-title" }, "Your pixels"), listAlert, list);
  }

  // ---------------------------------------------------------------- Users (admins)

  function tokenReveal(token, who) {
    return h("div", { class: "token-reveal", "data-token-reveal": "" },
      h("div", { class: "alert alert-warn" }, icon("key"), h("div", null,
        h("p", null, h("strong", null, `Copy ${who} API token now.`), " kurz keeps only a hash of it, so it will not be shown again."))),
      h("div", { class: "token-row" },
        h("code", { class: "token-value", tabindex: 0, "aria-label": "API token" }, token),
        copyButton(token, "API token", true)));
  }

  function usersScreen() {
    const list = h("div", null, loading());
    const email = h("input", { type: "email", name: "email", autocomplete: "off", placeholder: "colleague@example.com" });
    const password = h("input", { type: "password", name: "password", autocomplete: "new-password", placeholder: "At least 8 characters" });
    const role = select([["user", "User"], ["admin", "Administrator"]], "user", { name: "role" });
    const apiAccess = toggle("API access (api.access)", true, { name: "api_access" });
    const general = alertBox();
    const issued = h("div");
    const submit = h("button", { type: "submit", class: "btn btn-primary" }, icon("plus"), h("span", null, "Create user"));
    const form = h("form", { class: "form", novalidate: true }, general,
      h("div", { class: "grid-3" }, field("Email", email, { name: "email" }), field("Password", password, { name: "password" }), field("Role", role, { name: "role" })),
      field(null, apiAccess, { name: "permissions", hint: "Lets the user call the API with their token. Administrators always have it." }),
      h("div", { class: "form-actions form-actions-inline" }, submit), issued);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(form);
      issued.replaceChildren();
      await busy(submit, async () => {
        try {
          const data = await api("POST", "/api/users", {
            email: email.value.trim(), password: password.value, role: role.value,
            permissions: apiAccess.querySelector("input").checked ? ["api.access"] : [],
          });
          showAlert(general, []);
          issued.replaceChildren(tokenReveal(data.api_token, `${data.user.email}’s`));
          email.value = ""; password.value = "";
          toast("User created");
          load();
        } catch (error) { showFailure(form, general, error); }
      });
    });
    const listAlert = alertBox();
    async function patch(user, body, control) {
      showAlert(listAlert, []);
      try {
        await api("PATCH", `/api/users/${user.id}`, body);
        toast("User updated");
      } catch (error) {
        showAlert(listAlert, allMessages(error));
        if (control && control.type === "checkbox") control.checked = !control.checked;
      }
      load();
    }
    async function load() {
      try {
        const { users } = await api("GET", "/api/users");
        list.replaceChildren(h("div", { class: "card table-card" }, h("table", { class: "table" },
          h("thead", null, h("tr", null, h("th", null, "User"), h("th", null, "Role"), h("th", null, "API access"), h("th", null, "Active"), h("th", null, "Created"))),
          h("tbody", null, users.map((u) => {
            const self = u.id === state.user.id;
            const roleSelect = select([["user", "User"], ["admin", "Administrator"]], u.role, { "aria-label": `Role of ${u.email}`, disabled: self, class: "select-sm" });
            roleSelect.addEventListener("change", async () => {
              // Making someone an administrator hands them every user and link: ask first.
              if (roleSelect.value === "admin" && !await confirmDialog({ title: `Make ${u.email} an administrator?`, text: "Administrators see and change every user's links, domains and pixels, and manage users.", confirm: "Make administrator" })) {
                roleSelect.value = u.role;
                return;
              }
              patch(u, { role: roleSelect.value });
            });
            const access = toggle(u.role === "admin" ? "Always" : "Allowed", u.role === "admin" || (u.permissions || []).includes("api.access"), { disabled: u.role === "admin", "aria-label": `API access for ${u.email}`, "data-user-api": u.email });
            access.querySelector("input").addEventListener("change", (e) => {
              const perms = new Set(u.permissions || []);
              if (e.target.checked) perms.add("api.access"); else perms.delete("api.access");
              patch(u, { permissions: [...perms] }, e.target);
            });
            const active = toggle(u.disabled ? "Disabled" : "Active", !u.disabled, { disabled: self, "aria-label": `${u.email} may log in`, "data-user-active": u.email });
            active.querySelector("input").addEventListener("change", (e) => patch(u, { disabled: !e.target.checked }, e.target));
            return h("tr", { class: u.disabled ? "row-muted" : null },
              h("td", { "data-label": "User" }, h("div", { class: "user-cell" }, h("span", { class: "avatar avatar-sm", "aria-hidden": "true" }, u.email.charAt(0).toUpperCase()),
                h("span", { class: "strong" }, u.email), self ? badge("You", "info") : null)),
              h("td", { "data-label": "Role" }, roleSelect),
              h("td", { "data-label": "API access" }, access),
              h("td", { "data-label": "Active" }, active),
              h("td", { "data-label": "Created" }, fmtDate(u.created_at)));
          })))));
      } catch (error) { list.replaceChildren(failure(error, load)); }
    }
    load();
    return h("div", { class: "view" },
      pageHeader("Users", "Who may log in, and who may use the API."),
      card("Add a user", form),
      h("h2", { class: "section-title" }, "All users"), listAlert, list);
  }

  // ---------------------------------------------------------------- Account

  function accountScreen() {
    const user = state.user;
    const profile = card("Profile", h("dl", { class: "facts facts-wide" },
      h("dt", null, "Email"), h("dd", null, user.email),
      h("dt", null, "Role"), h("dd", null, user.role === "admin" ? "Administrator" : "User"),
      h("dt", null, "Permissions"), h("dd", null, user.role === "admin" ? "Everything" : (user.permissions || []).length ? user.permissions.join(", ") : "None — the API is closed to this account")));
    api("GET", "/api/me").then((data) => { state.user = Object.assign(state.user, data.user); }, () => {});

    // API token
    const tokenSlot = h("div");
    const regen = button("Regenerate token", { variant: "secondary", "data-action": "regenerate-token" }, "key");
    regen.addEventListener("click", async () => {
      const ok = await confirmDialog({ title: "Issue a new API token?", text: "Your current token stops working at once. Scripts and apps that use it need the new one.", confirm: "Regenerate" });
      if (!ok) return;
      await busy(regen, async () => {
        try {
          const data = await api("POST", "/api/me/token", {});
          tokenSlot.replaceChildren(tokenReveal(data.api_token, "your new"));
          tokenSlot.querySelector(".token-value").focus();
        } catch (error) { tokenSlot.replaceChildren(failure(error)); }
      });
    });

    // Password
    const current = h("input", { type: "password", name: "current_password", autocomplete: "current-password" });
    const next = h("input", { type: "password", name: "new_password", autocomplete: "new-password", placeholder: "At least 8 characters" });
    const again = h("input", { type: "password", name: "confirm_password", autocomplete: "new-password" });
    const general = alertBox();
    const save = h("button", { type: "submit", class: "btn btn-primary" }, h("span", null, "Change password"));
    const pwForm = h("form", { class: "form", novalidate: true }, general,
      field("Current password", current, { name: "current_password" }),
      h("div", { class: "grid-2" }, field("New password", next, { name: "new_password" }), field("Repeat new password", again, { name: "confirm_password" })),
      h("div", { class: "form-actions form-actions-inline" }, save));
    pwForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(pwForm);
      if (next.value !== again.value) { showErrors(pwForm, general, { confirm_password: ["The two new passwords differ."] }); return; }
      await busy(save, async () => {
        try {
          await api("POST", "/api/me/password", { current_password: current.value, new_password: next.value });
          current.value = ""; next.value = ""; again.value = "";
          showAlert(general, []);
          toast("Password changed");
        } catch (error) { showFailure(pwForm, general, error); }
      });
    });

    const canApi = user.role === "admin" || (user.permissions || []).includes("api.access");
    const passwordPanel = card("Password", [
      h("div", { class: "panel-section" },
        h("div", { class: "panel-section-head" },
          h("div", null, h("h3", null, "API token"),
            h("p", { class: "muted small" }, "Scripts and apps use it as ", h("code", null, "Authorization: Bearer <token>"), " or ", h("code", null, "?api_token="), ". kurz stores only a hash, so a token can be shown only once — right after it is issued.")),
          regen),
        canApi ? null : h("p", { class: "alert alert-warn" }, icon("alert"), h("span", null, "This account has no API access; an administrator can grant it.")),
        tokenSlot),
      h("div", { class: "panel-section" }, h("h3", null, "Change your password"), pwForm),
    ], { class: "password-panel", subtitle: "Your login password and the API token that stands in for it." });

    return h("div", { class: "view view-narrow" },
      pageHeader("Account", "Your profile, password and API token."),
      profile, passwordPanel,
      h("p", { class: "muted small" }, "API reference: ", h("a", { href: "/swagger", target: "_blank", rel: "noopener" }, "interactive API docs"), "."));
  }

  // ---------------------------------------------------------------- start

  window.addEventListener("hashchange", async () => {
    if (!state.user) return;
    if (unsaved && unsaved()) {
      const target = location.hash;
      history.replaceState(null, "", shownHash); // stay until the answer
      if (!await confirmDialog({ title: "Leave without saving?", text: "The changes on this page are not saved yet.", confirm: "Leave", danger: true })) return;
      history.replaceState(null, "", target);
    }
    route();
  });
  window.addEventListener("beforeunload", (event) => { if (unsaved && unsaved()) event.preventDefault(); });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && shell && shell.frame.classList.contains("nav-open")) {
      shell.frame.classList.remove("nav-open");
      shell.menuButton.setAttribute("aria-expanded", "false");
    }
  });
  root.replaceChildren(loading("Starting…"));
  boot();
})();
