import { describe, expect, it } from 'vitest';
import { luminance, parseColour } from './page-theme';

describe('page theme', () => {
  it('reads the colours browsers compute, and treats transparent as saying nothing', () => {
    expect(parseColour('rgb(32, 33, 36)')).toEqual([32, 33, 36]);
    expect(parseColour('rgba(255, 255, 255, 0.9)')).toEqual([255, 255, 255]);
    expect(parseColour('rgba(0, 0, 0, 0)')).toBeUndefined();
    expect(parseColour('transparent')).toBeUndefined();
  });

  it("tells Gmail's dark page from its light one", () => {
    expect(luminance([32, 33, 36])).toBeLessThan(0.4); // Gmail dark #202124
    expect(luminance([246, 248, 252])).toBeGreaterThan(0.4); // Gmail default #f6f8fc
    expect(luminance([255, 255, 255])).toBeCloseTo(1, 5);
    expect(luminance([0, 0, 0])).toBe(0);
  });
});
