import { describe, expect, it } from 'vitest';
import { canonicalQueryString, percentEncode } from '../../../shared/src/signing/percent-encode';

describe('percentEncode follows the Alibaba Cloud signing rules (RFC 3986)', () => {
  it.each([
    ['a space as %20, never +', 'a b', 'a%20b'],
    ['* as %2A', 'a*b', 'a%2Ab'],
    ['~ literally', 'a~b', 'a~b'],
    ['the unreserved set literally', 'AZaz09-_.~', 'AZaz09-_.~'],
    ["! ' ( ) as %21 %27 %28 %29", "!'()", '%21%27%28%29'],
    ['+ as %2B', 'a+b', 'a%2Bb'],
    ['/ as %2F', '/', '%2F'],
    ['reserved URL characters', '&=?#%;:@$,', '%26%3D%3F%23%25%3B%3A%40%24%2C'],
    ['a two-byte character as its UTF-8 bytes', 'é', '%C3%A9'],
    ['a three-byte character as its UTF-8 bytes', '中', '%E4%B8%AD'],
    ['an astral character (surrogate pair) as its four UTF-8 bytes', '😀', '%F0%9F%98%80'],
    ['the empty string as empty', '', ''],
  ])('encodes %s', (_name, input, expected) => {
    // Prepare
    const value = input;

    // Act
    const encoded = percentEncode(value);

    // Assess
    expect(encoded).toBe(expected);
  });

  it('uses upper-case hex digits', () => {
    // Prepare
    const value = '\u00ff\n';

    // Act
    const encoded = percentEncode(value);

    // Assess
    expect(encoded).toBe('%C3%BF%0A');
  });
});

describe('canonicalQueryString', () => {
  it('sorts names in byte order (upper case before lower case, Item.10 before Item.2) and encodes both sides', () => {
    // Prepare
    const params = { b: '2', A: 'x y', 'Item.2.ItemName': 'two', 'Item.10.ItemName': 'ten', a: '*' };

    // Act
    const canonical = canonicalQueryString(params);

    // Assess
    expect(canonical).toBe('A=x%20y&Item.10.ItemName=ten&Item.2.ItemName=two&a=%2A&b=2');
  });

  it('keeps an empty value as "name="', () => {
    // Prepare
    const params = { Empty: '', Full: 'v' };

    // Act
    const canonical = canonicalQueryString(params);

    // Assess
    expect(canonical).toBe('Empty=&Full=v');
  });

  it('is a form body that decodes back to the parameters, so a POST body is exactly what was signed', () => {
    // Prepare
    const params = { CallbackUrl: 'http://x/cb?auth_key=1-0-0-abc', Z: 'é' };

    // Act
    const body = canonicalQueryString(params);

    // Assess
    expect(Object.fromEntries(new URLSearchParams(body))).toEqual(params);
  });
});
