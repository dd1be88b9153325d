import { describe, expect, test } from "bun:test";
import { isPublicAddress, normalizeAddress } from "../../src/metadata/address";

// [address, why it is refused]
const refused: [string, string][] = [
  ["127.0.0.1", "loopback"],
  ["127.1", "loopback, short form"],
  ["0x7f000001", "loopback, hex"],
  ["2130706433", "loopback, one decimal number"],
  ["0177.0.0.1", "loopback, octal"],
  ["127.255.255.254", "loopback, end of 127/8"],
  ["::1", "IPv6 loopback"],
  ["0:0:0:0:0:0:0:1", "IPv6 loopback, long form"],
  ["::ffff:127.0.0.1", "IPv4-mapped loopback"],
  ["::ffff:7f00:1", "IPv4-mapped loopback, hex"],
  ["0:0:0:0:0:ffff:127.0.0.1", "IPv4-mapped loopback, long form"],
  ["::7f00:1", "IPv4-compatible loopback (ipaddr.js calls it unicast)"],
  ["::127.0.0.1", "IPv4-compatible loopback, dotted"],
  ["0.0.0.0", "unspecified (reaches localhost on Linux)"],
  ["0.1.2.3", "0/8"],
  ["::", "IPv6 unspecified"],
  ["10.0.0.1", "private"],
  ["172.16.0.1", "private"],
  ["172.31.255.255", "private"],
  ["192.168.1.1", "private"],
  ["::ffff:10.0.0.1", "IPv4-mapped private"],
  ["::ffff:192.168.0.1", "IPv4-mapped private"],
  ["169.254.169.254", "link-local: AWS, GCP, Azure metadata"],
  ["169.254.0.1", "link-local"],
  ["::ffff:169.254.169.254", "IPv4-mapped metadata"],
  ["fe80::1", "IPv6 link-local"],
  ["fe80::1%eth0", "IPv6 link-local with zone"],
  ["100.64.0.1", "CGNAT"],
  ["100.100.100.200", "CGNAT: Alibaba Cloud metadata"],
  ["100.127.255.255", "CGNAT, end"],
  ["fd00:ec2::254", "unique-local: AWS IPv6 metadata"],
  ["fc00::1", "unique-local"],
  ["fec0::1", "deprecated site-local"],
  ["224.0.0.1", "multicast"],
  ["239.255.255.250", "multicast"],
  ["ff02::1", "IPv6 multicast"],
  ["255.255.255.255", "broadcast"],
  ["192.0.0.192", "IETF protocol assignments (Oracle Cloud metadata)"],
  ["192.0.2.1", "documentation"],
  ["198.51.100.1", "documentation"],
  ["203.0.113.1", "documentation"],
  ["198.18.0.1", "benchmarking"],
  ["240.0.0.1", "reserved"],
  ["2001:db8::1", "IPv6 documentation"],
  ["2001::1", "Teredo"],
  ["2002:7f00:1::", "6to4 around 127.0.0.1"],
  ["64:ff9b::7f00:1", "NAT64 around 127.0.0.1"],
  ["64:ff9b::a9fe:a9fe", "NAT64 around 169.254.169.254"],
  ["64:ff9b:1::1", "NAT64 local-use prefix"],
  ["100::1", "discard-only"],
  ["5f00::1", "segment routing"],
  ["3fff::1", "IPv6 documentation (RFC 9637)"],
  ["", "empty"],
  ["localhost", "a name, not an address"],
  ["example.com", "a name, not an address"],
  ["[::1]", "brackets are URL syntax, not an address"],
  [" 8.8.8.8", "stray whitespace"],
  ["08.8.8.8", "invalid octal"],
  ["1.2.3.4.5", "five parts"],
];

const allowed = [
  "8.8.8.8",
  "1.1.1.1",
  "93.184.215.14",
  "141.30.0.1",
  "0x08080808", // 8.8.8.8 in hex is still 8.8.8.8
  "::ffff:8.8.8.8",
  "2606:4700:4700::1111",
  "2a00:1450:4001:82f::200e",
  "64:ff9b::808:808", // NAT64 around 8.8.8.8
  "100.63.255.255", // just below CGNAT
  "100.128.0.0", // just above CGNAT
  "172.15.255.255", // just below 172.16/12
  "172.32.0.0", // just above
];

describe("isPublicAddress", () => {
  for (const [address, why] of refused) {
    test(`refuses ${JSON.stringify(address)} (${why})`, () => {
      expect(isPublicAddress(address)).toBe(false);
    });
  }
  for (const address of allowed) {
    test(`allows ${address}`, () => {
      expect(isPublicAddress(address)).toBe(true);
    });
  }
});

test("an IPv4-mapped address is normalized to the IPv4 address a policy sees", () => {
  expect(normalizeAddress("::ffff:7f00:1")).toBe("127.0.0.1");
  expect(normalizeAddress("0:0:0:0:0:0:0:1")).toBe("::1");
  expect(normalizeAddress("localhost")).toBeNull();
});
