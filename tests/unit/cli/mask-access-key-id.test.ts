import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskAccessKeyId } from '../../../cli/credentials/mask-access-key-id';

describe('maskAccessKeyId', () => {
  it('shows only the last four characters of an AccessKeyId', () => {
    // Act
    const masked = maskAccessKeyId('LTAI5tCasterCarouselDemo');

    // Assess
    expect(masked).toBe('********************Demo');
  });

  it('keeps the length, the last four characters and nothing else, for any id', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii', minLength: 5, maxLength: 64 }), (id) => {
        // Act
        const masked = maskAccessKeyId(id);

        // Assess
        expect(masked).toHaveLength(id.length);
        expect(masked.slice(-4)).toBe(id.slice(-4));
        expect(masked.slice(0, -4)).toMatch(/^\*+$/);
      }),
    );
  });

  it('masks an id of four characters or fewer entirely', () => {
    // Act
    const masked = ['', 'a', 'abcd'].map(maskAccessKeyId);

    // Assess
    expect(masked).toEqual(['', '*', '****']);
  });
});
