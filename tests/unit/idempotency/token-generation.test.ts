import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLIENT_TOKEN_MAX_LENGTH } from '../../../shared/src/idempotency/client-token';
import { tokenForGeneration } from '../../../shared/src/idempotency/token-generation';

const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

describe('tokenForGeneration', () => {
  it('keeps generation 1 byte-identical to the trigger’s token, so tokens issued before the ledger keep their groups', () => {
    // Prepare
    const baseToken = 'cc1-w1cfE1TtZwWnvMd1_C7iKHXWb9eD11mYYrju9BFq_kI';

    // Act
    const token = tokenForGeneration(baseToken, 1);

    // Assess
    expect(token).toBe(baseToken);
  });

  it.each([
    ['cc1-w1cfE1TtZwWnvMd1_C7iKHXWb9eD11mYYrju9BFq_kI', 2, 'cc1-D_V-KWPInZu7VloUQpDdwxmRyXN-djPVtRUb26dVnt4'],
    ['my-own-token', 3, 'cc1-FiQ_NzSG4oTcAyaILmxU5u4yg1Rv6sTu6q6n_WwZLxc'],
  ])('derives generation %#’s token exactly as documented, forever (%s, n=%i)', (baseToken, generation, expected) => {
    // Act
    const token = tokenForGeneration(baseToken, generation);

    // Assess
    expect(token).toBe(expected);
  });

  it('gives every generation of every trigger its own valid token', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[!-~]{1,64}$/), fc.integer({ min: 2, max: 1_000_000 }), (baseToken, generation) => {
        // Act
        const token = tokenForGeneration(baseToken, generation);

        // Assess
        expect(token).toMatch(PRINTABLE_ASCII);
        expect(token.length).toBeLessThanOrEqual(CLIENT_TOKEN_MAX_LENGTH);
        expect(token).not.toBe(baseToken);
        expect(token).not.toBe(tokenForGeneration(baseToken, generation + 1));
        expect(tokenForGeneration(baseToken, generation)).toBe(token);
      }),
    );
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses generation %s, which no trigger can have', (generation) => {
    // Act
    const act = () => tokenForGeneration('cc1-base', generation);

    // Assess
    expect(act).toThrow(RangeError);
  });
});
