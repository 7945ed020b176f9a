// A tiny deterministic YAML writer for manifests: block mappings and sequences, every string
// double-quoted in JSON syntax (a subset of YAML's double-quoted scalars), so no value can be
// misread as a number, boolean or null. Multi-line strings (pod scripts) use literal blocks for
// readability. Keys keep their insertion order.

export function renderYaml(value: unknown): string {
  return lines(value, 0).join('\n') + '\n';
}

function scalar(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return String(v);
  throw new TypeError(`cannot write ${typeof v} ${String(v)} as YAML`);
}

const isBlock = (v: unknown) => (typeof v === 'object' && v !== null && (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0));

/** A multi-line string without characters that a literal block cannot carry as they are. */
const isLiteral = (v: unknown): v is string => typeof v === 'string' && v.includes('\n') && !/[^\n\x20-\x7e]/.test(v) && !/(^|\n) |[ ]\n|[ ]$/.test(v) && !v.endsWith('\n');

function inline(v: unknown): string {
  if (Array.isArray(v)) return '[]';
  if (typeof v === 'object' && v !== null) return '{}';
  return scalar(v);
}

function lines(value: unknown, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      if (!isBlock(item)) return [`${pad}- ${isLiteral(item) ? literal(item, indent + 2) : inline(item)}`];
      const [head, ...rest] = lines(item, indent + 2);
      return [`${pad}- ${head.slice(indent + 2)}`, ...rest];
    });
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).flatMap(([k, v]) => {
      const key = /^[A-Za-z_][\w./-]*$/.test(k) ? k : JSON.stringify(k);
      if (isBlock(v)) return [`${pad}${key}:`, ...lines(v, Array.isArray(v) ? indent : indent + 2)];
      return [`${pad}${key}: ${isLiteral(v) ? literal(v, indent + 2) : inline(v)}`];
    });
  }
  return [`${pad}${scalar(value)}`];
}

/** `|-` keeps the text's lines exactly and drops the final newline YAML would otherwise add. */
function literal(text: string, indent: number): string {
  const pad = ' '.repeat(indent);
  return `|-\n${text.split('\n').map((l) => (l === '' ? '' : pad + l)).join('\n')}`;
}
