import { TlaShapeError, TlaValueParseError, asInt, asPairs, asRecord, asSeq, parseTlaValue, printTla, tla, type TlaValue } from './tla-value';

describe('parseTlaValue', () => {
  it('reads every kind of value TLC prints in a state file', () => {
    const v = parseTlaValue('[ a |-> -3, b |-> "x\\"y", c |-> TRUE, d |-> <<1, <<>>>>, e |-> {"n1", "n2"}, f |-> ( [k |-> 1] :> 2 @@ "s" :> FALSE ) ]');
    const r = asRecord(v, 'v');
    expect(asInt(r.get('a')!, 'a')).toBe(-3);
    expect(r.get('b')).toEqual({ kind: 'str', value: 'x"y' });
    expect(r.get('c')).toEqual({ kind: 'bool', value: true });
    expect(asSeq(r.get('d')!, 'd')).toHaveLength(2);
    expect(r.get('e')).toEqual({ kind: 'set', items: [{ kind: 'str', value: 'n1' }, { kind: 'str', value: 'n2' }] });
    const pairs = asPairs(r.get('f')!, 'f');
    expect(pairs.map(([, x]) => x)).toEqual([{ kind: 'int', value: 2 }, { kind: 'bool', value: false }]);
  });

  it('treats <<>> as an empty function too (TLC prints an empty bag so)', () => {
    expect(asPairs(parseTlaValue('<<>>'), 'bag')).toEqual([]);
    expect(asRecord(parseTlaValue('<<>>'), 'rec').size).toBe(0);
  });

  it.each([
    ['', 'end of the text'],
    ['<<1, 2', 'expected ">>"'],
    ['[a |-> 1, a |-> 2]', 'appears twice'],
    ['"open', 'unterminated string'],
    ['( 1 :> 2 @@ )', 'expected a value'],
    ['[x \\in S |-> 1]', 'expected "|->"'],
    ['1 2', 'unexpected text'],
    ['99999999999999999999', 'out of range'],
    ['"\\q"', 'unknown string escape'],
  ])('rejects %j with a typed error (%s)', (text, reason) => {
    expect(() => parseTlaValue(text)).toThrow(TlaValueParseError);
    expect(() => parseTlaValue(text)).toThrow(reason);
  });

  it('typed accessors name the path and the kind they got', () => {
    expect(() => asInt(parseTlaValue('"n1"'), 'currentTerm.n1')).toThrow(new TlaShapeError('currentTerm.n1', 'expected an integer, got str "n1"'));
  });
});

describe('printTla and parseTlaValue', () => {
  it('read back what they write, for every kind of value', () => {
    const value = tla.rec({
      name: tla.str('n1 "quoted"'),
      term: tla.int(-3),
      up: tla.bool(true),
      log: tla.seq([tla.rec({ term: tla.int(1) }), tla.rec({ term: tla.int(2) })]),
      peers: tla.set([tla.str('n2'), tla.str('n3')]),
      empty: tla.seq([]),
    });
    expect(parseTlaValue(printTla(value))).toEqual(value);
    const fn: TlaValue = { kind: 'fn', pairs: [[tla.int(1), tla.str('a')], [tla.int(2), tla.str('b')]] };
    expect(parseTlaValue(printTla(fn))).toEqual(fn);
  });

  it('print records in field order, as the generated modules need', () => {
    expect(printTla(tla.rec({ b: tla.int(1), a: tla.bool(false) }))).toBe('[b |-> 1, a |-> FALSE]');
  });
});
