// Which IP addresses kurz may connect to when it fetches a page on a user's behalf (SPEC §5, SSRF).
import ipaddr from "ipaddr.js";

// IANA's global unicast block: everything outside it (::/8 with the IPv4-compatible ::a.b.c.d that
// ipaddr.js calls "unicast", fc00::/7, fe80::/10, ff00::/8, 5f00::/16 …) is never a public web host.
const globalUnicast = ipaddr.IPv6.parseCIDR("2000::/3");
// NAT64 well-known prefix (RFC 6052): on an IPv6-only host behind DNS64 every IPv4 site resolves
// into it, so the IPv4 address embedded in the last 32 bits decides.
const nat64 = ipaddr.IPv6.parseCIDR("64:ff9b::/96");

/**
 * True when `ip` (an address as a resolver returns it, any spelling ipaddr.js accepts, IPv4-mapped
 * IPv6 included) is a public unicast address. False for loopback, private, link-local (cloud
 * metadata 169.254.169.254), CGNAT (100.64/10), unique-local, multicast, broadcast, unspecified,
 * documentation, benchmarking, 6to4/Teredo and every other special range — and for anything that
 * does not parse as an address.
 */
export function isPublicAddress(ip: string): boolean {
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.process(ip);
  } catch {
    return false;
  }
  if (address.kind() === "ipv4") return address.range() === "unicast";
  const v6 = address as ipaddr.IPv6;
  if (v6.match(nat64)) {
    const [, , , , , , high = 0, low = 0] = v6.parts;
    return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]).range() === "unicast";
  }
  return v6.range() === "unicast" && v6.match(globalUnicast);
}

/** The address in the form kurz connects to and policies see: IPv4-mapped IPv6 becomes IPv4; null when not an address. */
export function normalizeAddress(ip: string): string | null {
  try {
    return ipaddr.process(ip).toString();
  } catch {
    return null;
  }
}
