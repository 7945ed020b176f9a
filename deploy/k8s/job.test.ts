// The committed manifests are exactly what deploy/k8s/job.ts generates, they validate against the
// Kubernetes schemas (kubernetes-models), and the YAML reads back as the same object.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Job } from 'kubernetes-models/batch/v1';
import { MANIFESTS, renderManifest, sweepJob, DEFAULT_SWEEP, mutationJob } from './job';
import { renderYaml } from './yaml';

// js-yaml ships with jest's own dependencies; only this test reads YAML, so it is no dependency of raftbed.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require('js-yaml') as { load(text: string): unknown };

describe('Kubernetes manifests', () => {
  it.each(Object.keys(MANIFESTS))('%s is committed as generated, validates, and reads back as the Job', (file) => {
    const job = MANIFESTS[file]();
    const committed = readFileSync(join(__dirname, file), 'utf8');
    expect(committed).toBe(renderManifest(job));
    expect(() => job.validate()).not.toThrow();
    const read = yaml.load(committed);
    expect(read).toEqual(job.toJSON());
    expect(() => new Job(read as ConstructorParameters<typeof Job>[0]).validate()).not.toThrow();
  });

  it('the sweep Job is Indexed, one pod per shard, each writing its --json report to the results volume', () => {
    const job = sweepJob().toJSON();
    const spec = job.spec!;
    expect(spec).toMatchObject({ completionMode: 'Indexed', completions: DEFAULT_SWEEP.shards, parallelism: DEFAULT_SWEEP.parallelism, backoffLimitPerIndex: 2 });
    const pod = spec.template.spec!;
    expect(pod.restartPolicy).toBe('Never');
    const [c] = pod.containers;
    expect(c.command!.slice(0, 2)).toEqual(['sh', '-c']);
    expect(c.command![2]).toContain(`raftbed sweep --shard "$JOB_COMPLETION_INDEX/${DEFAULT_SWEEP.shards}" --seeds ${DEFAULT_SWEEP.seeds} --faults all`);
    expect(c.command![2]).toMatch(/--json .*> "\$out\.tmp"\n/);
    expect(c.volumeMounts).toEqual([{ name: 'results', mountPath: '/results' }]);
    expect(pod.volumes).toEqual([{ name: 'results', persistentVolumeClaim: { claimName: DEFAULT_SWEEP.resultsClaim } }]);
    expect(mutationJob().toJSON().spec!.template.spec!.containers[0].command![2]).toBe('exec npm run mutate -- --shard "$JOB_COMPLETION_INDEX/8" --concurrency 2 --out "$RESULTS_DIR/mutation/shard-$JOB_COMPLETION_INDEX"');
  });

  it('schema validation catches a broken Job (so the check above can fail)', () => {
    const bad = sweepJob().toJSON();
    (bad.spec as { completions: unknown }).completions = 'sixteen';
    expect(() => new Job(bad).validate()).toThrow(/completions/);
    const noImage = sweepJob().toJSON();
    delete (noImage.spec!.template.spec!.containers[0] as { name?: string }).name;
    expect(() => new Job(noImage).validate()).toThrow(/name/);
  });

  it('YAML quotes every string, so "2", "true" and "null" stay strings', () => {
    const value = { a: '2', b: 'true', c: 'null', d: 2, e: true, f: ['x: y', '- z', ''], g: 'two\nlines', h: {}, i: [], 'odd key': ' lead' };
    expect(yaml.load(renderYaml(value))).toEqual(value);
  });
});
