// Passwords and client secrets: stored as digests, compared in constant time.
import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

// A low scrypt cost: this is a local emulator, and the admin's Basic auth runs on every call.
const SCRYPT = { N: 1024, r: 8, p: 1 };

export function hashPassword(password: string): { salt: string; hash: string } {
  const salt = randomBytes(16).toString('hex');
  return { salt, hash: scryptSync(password, salt, 32, SCRYPT).toString('hex') };
}

export function verifyPassword(stored: { salt: string; hash: string } | null, given: string) {
  if (!stored) return false;
  const expected = Buffer.from(stored.hash, 'hex');
  const actual = scryptSync(given, stored.salt, 32, SCRYPT);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export const sha256hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** Compares a presented client secret with the stored digest: equal-length digests only. */
export function verifySecret(storedSha256Hex: string, given: string): boolean {
  const expected = Buffer.from(storedSha256Hex, 'hex');
  const actual = createHash('sha256').update(given).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export const randomSecret = () => randomBytes(24).toString('base64url');
