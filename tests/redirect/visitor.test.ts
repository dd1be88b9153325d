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

  test("behind a proxy, the client is the first public address from the right: what a client sends itself does not count", () => {
    const from = (xff: string) => clientIp({ headers: new Headers({ "x-forwarded-for": xff }), socketIp: "127.0.0.1", trustProxy: true });
    expect(from("203.0.113.9, 133.242.0.1")).toBe("133.242.0.1"); // a forged first entry, then the address nginx saw
    expect(from("8.8.8.8, 133.242.0.1, 10.0.0.1, 127.0.0.1")).toBe("133.242.0.1"); // past internal proxies
    expect(from("133.242.0.1, ::ffff:10.0.0.1, fd00::1")).toBe("133.242.0.1");
    expect(from("garbage, 10.0.0.7, 192.168.1.1")).toBe("192.168.1.1"); // nothing public: the last entry
    expect(from("141.30.0.1")).toBe("141.30.0.1");
    const cf = new Headers({ "cf-connecting-ip": "141.30.0.1" });
    expect(clientIp({ headers: cf, socketIp: "127.0.0.1", trustProxy: true })).toBe("141.30.0.1");
    cf.set("x-forwarded-for", "133.242.0.1");
    expect(clientIp({ headers: cf, socketIp: "127.0.0.1", trustProxy: true })).toBe("133.242.0.1");
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

  test("TVs that bowser takes for phones or tablets, or isbot for a bot, are TVs", () => {
    const tvs = [
      "Mozilla/5.0 (Linux; Android 9; AFTMM Build/PS7233; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/70.0.3538.110 Mobile Safari/537.36", // Fire TV
      "Mozilla/5.0 (Linux; Android 12.0; Build/STTL.240206.002) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36 CrKey/1.56.500000 DeviceType/AndroidTV", // Chromecast with Google TV
      "Mozilla/5.0 (Linux; Andr0id 9; BRAVIA 4K UR2 Build/PTT1.190515.001.S52) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/80.0.3987.99 Safari/537.36", // Sony Bravia
      "AppleTV11,1/11.1",
      "AppleCoreMedia/1.0.0.20K71 (Apple TV; U; CPU OS 16_1 like Mac OS X; en_us)",
      "Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/79.0.3945.79 Safari/537.36 WebAppManager",
    ];
    for (const ua of tvs) expect(deviceOf(ua), ua).toBe("tv");
    // A phone and a tablet stay what they are.
    expect(deviceOf("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36")).toBe("phone");
    expect(deviceOf("Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36")).toBe("tablet");
  });

  test("an empty or bot agent has no device type", () => {
    expect(deviceOf("")).toBeNull();
    expect(deviceOf(null)).toBeNull();
    expect(deviceOf("Googlebot/2.1 (+http://www.google.com/bot.html)")).toBeNull();
  });
});
