import { describe, expect, test } from "bun:test";
import { testApp } from "../support/app";

describe("QR codes", () => {
  test("/:slug/qr answers an SVG of the short URL", async () => {
    const k = testApp();
    const u = await k.user();
    const { body } = await k.create(u.token, { long_url: "https://e.example", alias: "qr-me" });
    const r = await k.handle("/qr-me/qr");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("image/svg+xml");
    const svg = await r.text();
    expect(svg).toStartWith("<svg");
    expect(svg).toContain("<path");
    void body;
  });

  test("?format=png&size=512 answers a PNG of that width", async () => {
    const k = testApp();
    const u = await k.user();
    await k.create(u.token, { long_url: "https://e.example", alias: "qr-png" });
    const r = await k.handle("/qr-png/qr?format=png&size=512");
    expect(r.headers.get("content-type")).toBe("image/png");
    const bytes = new Uint8Array(await r.arrayBuffer());
    expect([...bytes.slice(1, 4)].map((c) => String.fromCharCode(c)).join("")).toBe("PNG");
    const width = new DataView(bytes.buffer).getUint32(16);
    expect(width).toBe(512);
  });

  test("a PNG asked for again is the same image; more than 60 a minute from one client get a 429 page", async () => {
    const k = testApp({ config: { trustProxy: true } });
    const u = await k.user();
    await k.create(u.token, { long_url: "https://e.example", alias: "qr-busy" });
    const get = (ip: string) => k.handle("/qr-busy/qr?format=png&size=1024", { headers: { "x-forwarded-for": ip } });
    const first = new Uint8Array(await (await get("203.0.113.7")).arrayBuffer());
    const second = new Uint8Array(await (await get("203.0.113.7")).arrayBuffer());
    expect(second).toEqual(first);
    for (let i = 2; i < 60; i++) expect((await get("203.0.113.7")).status).toBe(200);
    const limited = await get("203.0.113.7");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
    expect((await get("198.51.100.7")).status).toBe(200); // another client is not affected
  });

  test("an unknown slug is a 404 and a bad size is refused", async () => {
    const k = testApp();
    const u = await k.user();
    await k.create(u.token, { long_url: "https://e.example", alias: "qr-x" });
    expect((await k.handle("/nope/qr")).status).toBe(404);
    expect((await k.handle("/qr-x/qr?size=99999")).status).toBe(422);
    expect((await k.handle("/qr-x/qr?format=gif")).status).toBe(422);
  });

  test("the QR code decodes to the link's short URL", async () => {
    const k = testApp();
    const u = await k.user();
    await k.create(u.token, { long_url: "https://e.example", alias: "qr-decode" });
    const QRCode = (await import("qrcode")).default;
    const expected = await QRCode.toString("http://localhost:8080/qr-decode", { type: "svg", width: 256, margin: 2, errorCorrectionLevel: "M" });
    expect(await (await k.handle("/qr-decode/qr")).text()).toBe(expected);
  });
});

describe("QR codes through the API", () => {
  test("/api/links/:id/qr answers the owner's link on any domain; others get 404", async () => {
    const k = testApp();
    const u = await k.user();
    const other = await k.user();
    const d = await k.deps.domains.insert({ userId: u.id, host: "go.example.com", createdAt: new Date() });
    const { body } = await k.create(u.token, { long_url: "https://e.example", alias: "qr-api", domain_id: d.id });
    const r = await k.handle(`/api/links/${body.link.id}/qr`, { headers: { authorization: `Bearer ${u.token}` } });
    expect(r.status).toBe(200);
    const QRCode = (await import("qrcode")).default;
    expect(await r.text()).toBe(await QRCode.toString("https://go.example.com/qr-api", { type: "svg", width: 256, margin: 2, errorCorrectionLevel: "M" }));
    const png = await k.handle(`/api/links/${body.link.id}/qr?format=png`, { headers: { authorization: `Bearer ${u.token}` } });
    expect(png.headers.get("content-type")).toBe("image/png");
    expect((await k.handle(`/api/links/${body.link.id}/qr`, { headers: { authorization: `Bearer ${other.token}` } })).status).toBe(404);
    expect((await k.handle(`/api/links/${body.link.id}/qr`)).status).toBe(401);
  });
});
