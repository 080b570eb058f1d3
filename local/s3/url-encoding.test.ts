import { describe, expect, it } from 'vitest';
import { encodeKeyPath, formEncodeKey } from './url-encoding.ts';

describe('formEncodeKey', () => {
  it('form-encodes as S3 events do: space as +, + as %2B, UTF-8 bytes, / kept', () => {
    expect(formEncodeKey('photos/red flower+1 é😀.jpg')).toBe('photos/red+flower%2B1+%C3%A9%F0%9F%98%80.jpg');
    expect(formEncodeKey('a=b:c(1)*_-.~')).toBe('a%3Db%3Ac%281%29*_-.%7E');
  });

  it('round-trips through the documented decoding', () => {
    const key = 'photos/quote-1/a b+c%20é😀.jpg';
    expect(decodeURIComponent(formEncodeKey(key).replace(/\+/g, ' '))).toBe(key);
  });
});

describe('encodeKeyPath', () => {
  it('percent-encodes for a URL path, keeping /', () => {
    expect(encodeKeyPath('photos/a b+c.jpg')).toBe('photos/a%20b%2Bc.jpg');
  });
});
