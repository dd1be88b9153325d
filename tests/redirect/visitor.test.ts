import { describe, expect, test } from "bun:test";
import { createGeo, geoSource } from "../../src/redirect/geo";
import { clientIp, deviceOf, normalizeIp } from "../../src/redirect/visitor";

describe("the embedded geo-IP database", () => {
  const geo = createGeo(geoSource(null, ":memory:"));
  test("resolves the countries of well-known addresses", () => {
    expect(geo.country("133.242.0.1")).toBe("jp");
    expect(geo.country("141.30.0.1")).toBe("de");
    expect(geo.country("77.88.55.242")).toBe("ru");
    expect(geo.country("8.8.8.8")).toBe("us");
    expect(geo.country("81.2.69.142")).toBe("gb");
  });

  test("knows no country for private, loopback or missing addresses", () => {
    expect(geo.country("127.0.0.1")).toBeNull();
    expect(geo.country("10.1.2.3")).toBeNull();
    expect(geo.country(null)).toBeNull();
  });
});

describe("client addresses", () => {
  test("IPv4-mapped IPv6 becomes plain IPv4, and garbage becomes null", () => {
    expect(normalizeIp("::ffff:133.242.0.1")).toBe("133.242.0.1");
    expect(normalizeIp(" 2001:db8::1 ")).toBe("2001:db8::1");
    expect(normalizeIp("999.1.1.1")).toBeNull();
    expect(normalizeIp("<script>")).toBeNull();
  });

  test("X-Forwarded-For is read only behind a trusted proxy", () => {
    const headers = new Headers({ "x-forwarded-for": "133.242.0.1, 10.0.0.1" });
    expect(clientIp({ headers, socketIp: "10.0.0.1", trustProxy: true })).toBe("133.242.0.1");
    expect(clientIp({ headers, socketIp: "::ffff:10.0.0.1", trustProxy: false })).toBe("10.0.0.1");
  });
});

describe("device types", () => {
  test("bowser's platform types map to phone, tablet, desktop, tv", () => {
    expect(deviceOf("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148")).toBe("phone");
    expect(deviceOf("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36")).toBe("desktop");
  });

  test("an empty or bot agent has no device type", () => {
    expect(deviceOf("")).toBeNull();
    expect(deviceOf(null)).toBeNull();
    expect(deviceOf("Googlebot/2.1 (+http://www.google.com/bot.html)")).toBeNull();
  });
});
