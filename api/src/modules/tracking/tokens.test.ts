import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { signToken, verifyToken } from './tokens';

const secret = 'a-tracking-secret-of-at-least-32-chars!!';
const emailId = '0b6f7c3e-8a3d-4f57-9a43-1c2d3e4f5a6b';

describe('tracking tokens', () => {
  it('round-trips opens, clicks and unsubscribes', () => {
    for (const t of [
      { kind: 'o', emailId },
      { kind: 'u', emailId },
      { kind: 'c', emailId, linkIndex: 3, url: 'https://acme.test/pricing?a=1&b=2#x' },
    ] as const) {
      expect(verifyToken(secret, signToken(secret, t))).toEqual(t);
    }
  });

  it('is short enough for real links', () => {
    expect(signToken(secret, { kind: 'o', emailId }).length).toBeLessThan(60);
  });

  it('rejects a token signed with another secret', () => {
    const forged = signToken('another-secret-another-secret-another', { kind: 'o', emailId });
    expect(verifyToken(secret, forged)).toBeUndefined();
  });

  it('rejects any alteration of a click token (no open redirect)', () => {
    const good = signToken(secret, { kind: 'c', emailId, linkIndex: 0, url: 'https://acme.test/' });
    const [payload, mac] = good.split('.') as [string, string];
    const evil = Buffer.from(Buffer.from(payload, 'base64url').toString('utf8').replace('https://acme.test/', 'https://evil.test/')).toString('base64url');
    expect(verifyToken(secret, `${evil}.${mac}`)).toBeUndefined();
    fc.assert(
      fc.property(fc.nat({ max: good.length - 1 }), fc.constantFrom(...'ABCxyz019-_'), (i, ch) => {
        const changed = good.slice(0, i) + ch + good.slice(i + 1);
        fc.pre(changed !== good);
        const result = verifyToken(secret, changed);
        // base64url padding bits can make two spellings decode to the same bytes; then content is unchanged
        return result === undefined || JSON.stringify(result) === JSON.stringify(verifyToken(secret, good));
      }),
    );
  });

  it('rejects garbage without throwing', () => {
    for (const raw of ['', '.', 'abc', 'abc.def', '....', 'x'.repeat(5000)]) expect(verifyToken(secret, raw)).toBeUndefined();
  });
});
