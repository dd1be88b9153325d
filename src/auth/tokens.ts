// API tokens: random, shown once, stored as sha256 and compared in constant time.
import { createHash, timingSafeEqual } from "node:crypto";
import { customAlphabet } from "nanoid";

const alphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const token = customAlphabet(alphanumeric, 40);

export function generateToken(): string {
  return token();
}

export function hashToken(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** Constant-time equality of two hex digests (timingSafeEqual throws on unequal lengths, digests never differ). */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && timingSafeEqual(x, y);
}
