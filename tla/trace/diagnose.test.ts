import { TlcSet, TlcValueSyntaxError, disagreeingFields, extractDiagnostics, parseTlcValue } from './diagnose';

describe('parseTlcValue', () => {
  it('reads the value syntax TLC prints', () => {
    expect(parseTlcValue('[a |-> 1, b |-> <<"x", -2>>, c |-> {TRUE}, d |-> [e |-> FALSE]]')).toEqual({
      a: 1, b: ['x', -2], c: new TlcSet([true]), d: { e: false },
    });
    expect(parseTlcValue('<<>>')).toEqual([]);
    expect(parseTlcValue('"quote \\" inside"')).toBe('quote " inside');
  });

  it('rejects what it cannot read', () => {
    expect(() => parseTlcValue('[a |-> ]')).toThrow(TlcValueSyntaxError);
    expect(() => parseTlcValue('<<1, 2')).toThrow(TlcValueSyntaxError);
    expect(() => parseTlcValue('1 2')).toThrow(/trailing input/);
  });
});

const STDOUT = [
  '@!@!@STARTMSG 2190:0 @!@!@',
  'Finished computing initial states: 1 distinct state generated.',
  '@!@!@ENDMSG 2190 @!@!@',
  '<< "RAFTBED_DIAG",',
  '   [ checks |-> [node |-> TRUE, msg |-> TRUE],',
  '     spec |-> [term |-> 2, commit |-> 3, vote |-> "n1"],',
  '     logged |-> [term |-> 2, commit |-> 4, vote |-> "n2"] ] >>',
  '<< "RAFTBED_DIAG", [checks |-> [node |-> TRUE, msg |-> FALSE], spec |-> [term |-> 2, commit |-> 4, vote |-> "n2"], logged |-> [term |-> 2, commit |-> 4, vote |-> "n2"]] >>',
  '@!@!@STARTMSG 2193:0 @!@!@',
].join('\n');

describe('diagnostics', () => {
  it('extracts every candidate, multi-line or not', () => {
    expect(extractDiagnostics(STDOUT)).toHaveLength(2);
  });

  it('names the fields of the closest candidate', () => {
    // Candidate 1 differs in two fields; candidate 2 only fails the msg check: it is closer.
    expect(disagreeingFields(extractDiagnostics(STDOUT))).toEqual(['msg']);
    expect(disagreeingFields(extractDiagnostics(STDOUT).slice(0, 1))).toEqual(['commit', 'vote']);
  });

  it('says "actions" when the spec has no candidate step at all', () => {
    expect(disagreeingFields([])).toEqual(['actions']);
  });
});
