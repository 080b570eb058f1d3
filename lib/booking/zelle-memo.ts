import { randomInt } from 'node:crypto';

// Crockford base32 without I, L, O, U: nothing a person misreads when typing a memo.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A short memo code for a Zelle transfer (`QDN-7K3M9Q2X`): random, 40 bits; uniqueness is
 * enforced by a conditional write of its own item, so a collision retries with another code.
 */
export function newZelleMemo(): string {
  let code = '';
  for (let i = 0; i < 8; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return `QDN-${code}`;
}
