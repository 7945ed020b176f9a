// The shared flag parser's extensions: choices, short aliases, single-dash typos and repeated
// flags are each refused with a message naming the flag.

import { CliUsageError, helpText, parseArgs, type FlagSpec } from './args';

const SPEC: Record<string, FlagSpec> = {
  mode: { kind: 'choice', choices: ['on', 'off', 'both'], help: 'pick one' },
  output: { kind: 'string', alias: '-o', value: 'FILE', help: 'where to write' },
  count: { kind: 'int', min: 1, help: 'how many' },
  seconds: { kind: 'number', min: 0.5, max: 60, help: 'how long' },
  help: { kind: 'bool', alias: '-h', help: 'this text' },
};

const usage = (argv: string[]): string => {
  try {
    parseArgs(argv, SPEC, 1);
  } catch (e) {
    expect(e).toBeInstanceOf(CliUsageError);
    return (e as Error).message;
  }
  throw new Error(`${JSON.stringify(argv)} parsed`);
};

describe('parseArgs', () => {
  it('accepts a choice and short aliases', () => {
    expect(parseArgs(['--mode', 'off', '-o', 'x.ndjson', '-h', 'in'], SPEC, 1)).toEqual({
      flags: { mode: 'off', output: 'x.ndjson', help: true },
      positional: ['in'],
    });
    expect(parseArgs(['--mode=both', '-o=y'], SPEC).flags).toEqual({ mode: 'both', output: 'y' });
  });

  it('refuses a value outside the choices, naming the flag and the choices', () => {
    expect(usage(['--mode', 'maybe'])).toBe('--mode must be one of on, off, both, got "maybe"');
  });

  it('refuses a flag given twice, also when spelled once short and once long', () => {
    expect(usage(['--count', '1', '--count', '2'])).toBe('--count given twice');
    expect(usage(['-o', 'a', '--output', 'b'])).toBe('--output given twice');
  });

  it('refuses an unknown single-dash flag but keeps "-" and negative numbers as arguments', () => {
    expect(usage(['-x'])).toBe('unknown flag -x (see --help)');
    expect(parseArgs(['-'], SPEC, 1).positional).toEqual(['-']);
    expect(usage(['--count', '-3'])).toBe('--count must be at least 1, got -3');
  });

  it('reads a number flag with a fraction, and refuses junk and values out of range', () => {
    expect(parseArgs(['--seconds', '1.5'], SPEC).flags).toEqual({ seconds: 1.5 });
    expect(parseArgs(['--seconds=.75'], SPEC).flags).toEqual({ seconds: 0.75 });
    expect(usage(['--seconds', '1e3'])).toBe('--seconds must be a number, got "1e3"');
    expect(usage(['--seconds', 'soon'])).toBe('--seconds must be a number, got "soon"');
    expect(usage(['--seconds', '0.25'])).toBe('--seconds must be at least 0.5, got 0.25');
    expect(usage(['--seconds', '61'])).toBe('--seconds must be at most 60, got 61');
  });

  it('names the flag as typed when an alias lacks its value', () => {
    expect(usage(['-o'])).toBe('-o needs a value');
  });
});

it('helpText shows aliases, value names and choices', () => {
  const text = helpText('cmd [flags]', SPEC);
  expect(text).toContain('  --mode on|off|both');
  expect(text).toContain('  -o, --output FILE');
  expect(text).toContain('  --count N');
  expect(text).toContain('  -h, --help');
});
