// `npm run mutate:merge -- OUT_DIR SHARD_DIR...`: joins shard summaries into one (scores per file).

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mergeSummaries, renderMarkdown, type MutationSummary } from './summary';

export function mergeDirs(out: string, shardDirs: readonly string[]): MutationSummary {
  const parts = shardDirs.map((d) => JSON.parse(readFileSync(join(d, 'summary.json'), 'utf8')) as MutationSummary);
  const merged = mergeSummaries(parts);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'summary.json'), JSON.stringify(merged, null, 2) + '\n');
  writeFileSync(join(out, 'summary.md'), renderMarkdown(merged));
  return merged;
}

if (require.main === module) {
  const [out, ...dirs] = process.argv.slice(2);
  if (out === undefined || dirs.length === 0) {
    process.stderr.write('usage: npm run mutate:merge -- OUT_DIR SHARD_DIR...\n');
    process.exitCode = 2;
  } else {
    try {
      const merged = mergeDirs(out, dirs);
      process.stdout.write(renderMarkdown(merged).split('\n## Undetected')[0]);
    } catch (error) {
      process.stderr.write(`mutate:merge: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
  }
}
