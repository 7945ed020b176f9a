// How deep a parsed JSON value nests, found without recursion. A peer is untrusted: a 10 KB
// frame of arrays nested 5,000 deep made the decoders throw RangeError (a recursive
// JSON.stringify of a parsed field ran out of stack). The wire formats here nest a few levels at
// most, so a deeper value is refused right after JSON.parse, before any of our code (or a
// recursive library function) walks it.
//
// Why after JSON.parse and not by scanning the text before it: V8's JSON.parse is iterative (it
// parses a million levels), and an engine whose parser recursed would throw inside the decoders'
// try/catch around JSON.parse, which reports NotJson. A text scan cost as much as the parse itself
// (600 us against 720 us for a 92 KB batch of AppendEntries) and cut batch decoding to 40% of its
// rate; this walk visits only the containers (about 1,200 in that batch).

type Container = readonly unknown[] | Readonly<Record<string, unknown>>;

const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null;

/**
 * True when some array or object inside `value` lies more than `maxDepth` levels deep (the value
 * itself, if a container, is level 1). Iterative: an explicit stack, bounded by the number of
 * containers, which the frame's size bounds in turn.
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  if (!isContainer(value)) return false;
  if (maxDepth < 1) return true;
  const stack: Container[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const container = stack.pop() as Container;
    const depth = depths.pop() as number;
    const children: readonly unknown[] = Array.isArray(container) ? container : Object.values(container);
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      if (!isContainer(child)) continue;
      if (depth + 1 > maxDepth) return true;
      stack.push(child);
      depths.push(depth + 1);
    }
  }
  return false;
}
