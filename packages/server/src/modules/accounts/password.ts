import argon2 from 'argon2';

// OWASP Password Storage Cheat Sheet minimum for argon2id: m=19 MiB, t=2, p=1.
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

// Verified against when the username is unknown, so timing does not reveal which usernames exist.
let dummyHash: Promise<string> | undefined;
export function dummyVerify(password: string): Promise<boolean> {
  dummyHash ??= hashPassword('motcua-timing-equalizer');
  return dummyHash.then((h) => verifyPassword(h, password)).then(() => false);
}

/** At least 8 characters with a letter and a digit: enough for officers, not a burden for citizens. */
export function isAcceptablePassword(p: string): boolean {
  return p.length >= 8 && p.length <= 200 && /\p{L}/u.test(p) && /\d/.test(p);
}
