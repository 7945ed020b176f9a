import { formatMs } from './format-ms';

describe('formatMs', () => {
  it('rounds a drifted time to the microsecond', () => {
    expect(formatMs(1234.5678901)).toBe('1234.568 ms');
  });
  it('prints whole milliseconds without decimals', () => {
    expect(formatMs(40)).toBe('40 ms');
    expect(formatMs(0)).toBe('0 ms');
  });
});
