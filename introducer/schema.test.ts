import { FrameError, isNodeId, isRoomKey, jsonDepthExceeds, MAX_DATA_DEPTH, parseClientFrame, parseServerFrame } from './schema';

const ROOM = '0123456789abcdef0123456789abcdef';
const TOKEN = 'a'.repeat(64);
const goodJoin = { type: 'join', room: ROOM, node: 'n1', expires: 5, token: TOKEN };

function errorOf(text: string): FrameError {
  const result = parseClientFrame(text);
  if (result.ok) throw new Error(`expected a rejection of ${text}`);
  return result.error;
}

describe('parseClientFrame', () => {
  it('accepts the three well-formed client frames', () => {
    expect(parseClientFrame(JSON.stringify(goodJoin))).toEqual({ ok: true, frame: goodJoin });
    expect(parseClientFrame('{"type":"signal","to":"b","data":{"sdp":"x"}}')).toEqual({ ok: true, frame: { type: 'signal', to: 'b', data: { sdp: 'x' } } });
    expect(parseClientFrame('{"type":"signal","to":"b","data":null,"from":"a"}')).toEqual({ ok: true, frame: { type: 'signal', to: 'b', data: null, from: 'a' } });
    expect(parseClientFrame('{"type":"leave"}')).toEqual({ ok: true, frame: { type: 'leave' } });
  });

  it.each([
    ['not json', 'malformed-json', undefined],
    ['', 'malformed-json', undefined],
    ['null', 'invalid-frame', 'frame'],
    ['"join"', 'invalid-frame', 'frame'],
    ['{}', 'invalid-frame', 'type'],
    ['{"type":"JOIN"}', 'invalid-frame', 'type'],
    [JSON.stringify({ ...goodJoin, room: ROOM.toUpperCase() }), 'invalid-frame', 'join.room'],
    [JSON.stringify({ ...goodJoin, room: ROOM.slice(1) }), 'invalid-frame', 'join.room'],
    [JSON.stringify({ ...goodJoin, node: '' }), 'invalid-frame', 'join.node'],
    [JSON.stringify({ ...goodJoin, node: 'x'.repeat(33) }), 'invalid-frame', 'join.node'],
    [JSON.stringify({ ...goodJoin, node: 'a/b' }), 'invalid-frame', 'join.node'],
    [JSON.stringify({ ...goodJoin, expires: '5' }), 'invalid-frame', 'join.expires'],
    [JSON.stringify({ ...goodJoin, expires: 1.5 }), 'invalid-frame', 'join.expires'],
    [JSON.stringify({ ...goodJoin, expires: 2 ** 60 }), 'invalid-frame', 'join.expires'],
    [JSON.stringify({ ...goodJoin, token: TOKEN.toUpperCase() }), 'invalid-frame', 'join.token'],
    [JSON.stringify({ ...goodJoin, token: undefined }), 'invalid-frame', 'join.token'],
    [JSON.stringify({ ...goodJoin, __proto__x: 1 }), 'invalid-frame', 'join.__proto__x'],
    ['{"type":"join","__proto__":{"admin":true}}', 'invalid-frame', 'join.__proto__'],
    ['{"type":"signal","data":1}', 'invalid-frame', 'signal.to'],
    ['{"type":"signal","to":"b"}', 'invalid-frame', 'signal.data'],
    ['{"type":"signal","to":"b","data":1,"from":7}', 'invalid-frame', 'signal.from'],
    ['{"type":"signal","to":"b","data":1,"extra":7}', 'invalid-frame', 'signal.extra'],
    ['{"type":"leave","room":"x"}', 'invalid-frame', 'leave.room'],
  ])('rejects %s as %s naming %s', (text, code, field) => {
    const error = errorOf(text);
    expect(error).toBeInstanceOf(FrameError);
    expect(error.code).toBe(code);
    expect(error.field).toBe(field);
    if (field !== undefined) expect(error.message.startsWith(`${field}:`)).toBe(true);
  });

  it('refuses signal data nested deeper than the limit but accepts it at the limit', () => {
    const nest = (depth: number): unknown => (depth === 0 ? 1 : { a: nest(depth - 1) });
    const atLimit = JSON.stringify({ type: 'signal', to: 'b', data: nest(MAX_DATA_DEPTH) });
    const overLimit = JSON.stringify({ type: 'signal', to: 'b', data: [nest(MAX_DATA_DEPTH)] });
    expect(parseClientFrame(atLimit).ok).toBe(true);
    expect(errorOf(overLimit).field).toBe('signal.data');
  });

  it('survives hostile nesting without throwing', () => {
    const deep = '['.repeat(50_000) + ']'.repeat(50_000);
    expect(errorOf(deep).field).toBe('frame');
    const deepData = `{"type":"signal","to":"b","data":${deep}}`;
    expect(errorOf(deepData).field).toBe('signal.data');
  });
});

describe('jsonDepthExceeds', () => {
  it('counts objects and arrays, not scalars', () => {
    expect(jsonDepthExceeds(1, 0)).toBe(false);
    expect(jsonDepthExceeds({}, 0)).toBe(true);
    expect(jsonDepthExceeds({ a: [1] }, 2)).toBe(false);
    expect(jsonDepthExceeds({ a: [1, [2]] }, 2)).toBe(true);
  });
});

describe('identifiers', () => {
  it('accepts only canonical room keys and short printable node ids', () => {
    expect(isRoomKey(ROOM)).toBe(true);
    expect(isRoomKey(ROOM + '\n')).toBe(false);
    expect(isRoomKey(123)).toBe(false);
    expect(isNodeId('node-1_A')).toBe(true);
    expect(isNodeId('node 1')).toBe(false);
    expect(isNodeId('n\u00e9')).toBe(false);
  });
});

describe('parseServerFrame', () => {
  it('accepts each server frame and rejects malformed ones by field', () => {
    expect(parseServerFrame('{"type":"joined","room":"r","node":"a","roster":["a"]}').ok).toBe(true);
    expect(parseServerFrame('{"type":"peer-left","node":"a"}')).toEqual({ ok: true, frame: { type: 'peer-left', node: 'a' } });
    expect(parseServerFrame('{"type":"signal","from":"a","data":0}').ok).toBe(true);
    const bad = parseServerFrame('{"type":"joined","room":"r","node":"a","roster":[1]}');
    expect(bad.ok === false && bad.error.field).toBe('joined.roster');
    const noFrom = parseServerFrame('{"type":"signal","data":0}');
    expect(noFrom.ok === false && noFrom.error.field).toBe('signal.from');
  });
});
