import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decrypt, encrypt, keyringFrom } from './crypto';

describe('token sealing (AES-256-GCM with the key id beside the ciphertext)', () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);

  it('names the key it used, never holds the plaintext, and opens with that key', () => {
    const ring = keyringFrom(oldKey);
    const sealed = encrypt(ring, '1//refresh-token');
    const [version, keyId, iv, tag, data] = sealed.split('.');
    expect([version, keyId]).toEqual(['v1', ring.current.id]);
    expect(Buffer.from(iv!, 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag!, 'base64url')).toHaveLength(16);
    expect(sealed).not.toContain('refresh-token');
    expect(Buffer.from(data!, 'base64url').toString('utf8')).not.toContain('refresh');
    expect(decrypt(ring, sealed)).toBe('1//refresh-token');
    expect(encrypt(ring, '1//refresh-token')).not.toBe(sealed); // a fresh IV each time
  });

  it('after a rotation, seals under the new key and still opens what the old one sealed', () => {
    const before = encrypt(keyringFrom(oldKey), 'ya29.access');
    const rotated = keyringFrom(newKey, [oldKey]);
    expect(decrypt(rotated, before)).toBe('ya29.access');
    const after = encrypt(rotated, 'ya29.access');
    expect(after.split('.')[1]).toBe(rotated.current.id);
    expect(() => decrypt(keyringFrom(oldKey), after)).toThrow(/unknown format or key/);
  });

  it('refuses a tampered ciphertext or tag instead of returning garbage', () => {
    const ring = keyringFrom(oldKey);
    const parts = encrypt(ring, 'secret').split('.');
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, 'base64url');
      bytes[0] = bytes[0]! ^ 1;
      return bytes.toString('base64url');
    };
    expect(() => decrypt(ring, [...parts.slice(0, 4), flip(parts[4]!)].join('.'))).toThrow();
    expect(() => decrypt(ring, [...parts.slice(0, 3), flip(parts[3]!), parts[4]].join('.'))).toThrow();
    expect(() => decrypt(ring, 'plaintext-token')).toThrow(/unknown format or key/);
  });
});
