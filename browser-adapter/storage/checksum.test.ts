import { checksumHex, fnv1a32, seal, unseal } from './checksum';

describe('fnv1a32', () => {
  it('matches the published FNV-1a 32-bit vectors (ASCII code units equal bytes)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('is zero-padded lowercase hex', () => {
    expect(checksumHex('')).toBe('811c9dc5');
    expect(checksumHex('x')).toMatch(/^[0-9a-f]{8}$/);
  });
});

describe('seal / unseal', () => {
  it('round-trips any text, including lone surrogates', () => {
    for (const text of ['', '{"a":1}', '\ud800', 'é€😀']) {
      expect(unseal(seal(text))).toEqual({ ok: true, text, sum: checksumHex(text) });
    }
  });

  it('detects every single-character change of a sealed value', () => {
    const sealed = seal('{"first":1,"e":[[1,0,"hello"],[2,1,""]]}');
    for (let i = 0; i < sealed.length; i++) {
      for (const replacement of ['0', 'f', 'x', '"', '\u00e9']) {
        if (sealed[i] === replacement) continue;
        const damaged = sealed.slice(0, i) + replacement + sealed.slice(i + 1);
        expect(unseal(damaged).ok).toBe(false);
      }
    }
  });

  it('rejects values without a hex prefix with a reason', () => {
    const result = unseal('nothex!!{}');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.detail).toMatch(/8-digit hex/);
    expect(unseal('').ok).toBe(false);
  });
});
