// The Kubernetes Indexed Jobs that spread a sweep (and mutation testing) over a cluster. Kubernetes
// does the scheduling, retries and bookkeeping; raftbed only runs its share: pod i of n runs
// `raftbed sweep --shard i/n` and writes its --json report to a shared volume, and
// `raftbed merge` joins the reports afterwards. Built with kubernetes-models, so every field is
// checked against the Kubernetes schemas; `npm run deploy:k8s` (this file run as a script) writes
// the committed manifests, and a test fails when they drift from what this file generates.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Job } from 'kubernetes-models/batch/v1';
import { renderYaml } from './yaml';

export interface SweepJobParams {
  readonly name: string;
  readonly image: string;
  /** Pods in the Indexed Job: the sweep's --shard count. */
  readonly shards: number;
  /** Pods running at once. */
  readonly parallelism: number;
  readonly seeds: number;
  readonly faults: string;
  readonly durationMs: number;
  /** Worker threads per pod; the pod requests this many CPUs. */
  readonly workersPerPod: number;
  /** A ReadWriteMany PersistentVolumeClaim that every pod mounts at /results. */
  readonly resultsClaim: string;
}

export const DEFAULT_SWEEP: SweepJobParams = {
  name: 'raftbed-sweep', image: 'raftbed:0.1.0', shards: 16, parallelism: 16, seeds: 100_000, faults: 'all', durationMs: 10_000,
  workersPerPod: 2, resultsClaim: 'raftbed-results',
};

export const RESULTS_DIR = '/results';

/**
 * The pod's whole command, run by `sh -c`. Kubernetes sets JOB_COMPLETION_INDEX; RESULTS_DIR is the
 * volume. The report goes to a temporary name first so a killed pod never leaves half a report for
 * merge to read. Exit 1 means "the sweep found violations": that is a result, so the pod succeeds
 * and merge reports them; exit 2 (bad flags) or 3 (a crash) fails the pod, and Kubernetes retries it.
 */
export function sweepPodScript(p: Pick<SweepJobParams, 'shards' | 'seeds' | 'faults' | 'durationMs' | 'workersPerPod'>): string {
  return [
    'out="$RESULTS_DIR/shard-$JOB_COMPLETION_INDEX.json"',
    `raftbed sweep --shard "$JOB_COMPLETION_INDEX/${p.shards}" --seeds ${p.seeds} --faults ${p.faults} --duration ${p.durationMs} --workers ${p.workersPerPod} --json --out "$RESULTS_DIR/traces" > "$out.tmp"`,
    'rc=$?',
    'if [ "$rc" -gt 1 ]; then exit "$rc"; fi',
    'mv "$out.tmp" "$out"',
  ].join('\n');
}

function indexedJob(p: { name: string; component: string; shards: number; parallelism: number; image: string; resultsClaim: string; cpus: number; memory: string; script: string; retriesPerIndex: number }): Job {
  const labels = { 'app.kubernetes.io/name': 'raftbed', 'app.kubernetes.io/component': p.component };
  return new Job({
    metadata: { name: p.name, labels },
    spec: {
      completionMode: 'Indexed',
      completions: p.shards,
      parallelism: p.parallelism,
      // A shard that fails (exit >= 2) is retried on its own; the other shards are not restarted.
      backoffLimitPerIndex: p.retriesPerIndex,
      ttlSecondsAfterFinished: 7 * 24 * 3600,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 },
          containers: [{
            name: p.component,
            image: p.image,
            command: ['sh', '-c', p.script],
            env: [{ name: 'RESULTS_DIR', value: RESULTS_DIR }],
            resources: { requests: { cpu: String(p.cpus), memory: p.memory }, limits: { cpu: String(p.cpus), memory: p.memory } },
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: false, capabilities: { drop: ['ALL'] } },
            volumeMounts: [{ name: 'results', mountPath: RESULTS_DIR }],
          }],
          volumes: [{ name: 'results', persistentVolumeClaim: { claimName: p.resultsClaim } }],
        },
      },
    },
  });
}

export function sweepJob(p: SweepJobParams = DEFAULT_SWEEP): Job {
  return indexedJob({
    name: p.name, component: 'sweep', shards: p.shards, parallelism: p.parallelism, image: p.image, resultsClaim: p.resultsClaim,
    cpus: p.workersPerPod, memory: `${p.workersPerPod}Gi`, script: sweepPodScript(p), retriesPerIndex: 2,
  });
}

export interface MutationJobParams {
  readonly name: string;
  /** The image's `mutation` target: it keeps the dev dependencies StrykerJS and jest need. */
  readonly image: string;
  readonly shards: number;
  readonly parallelism: number;
  readonly resultsClaim: string;
}

export const DEFAULT_MUTATION: MutationJobParams = { name: 'raftbed-mutate', image: 'raftbed-mutation:0.1.0', shards: 8, parallelism: 8, resultsClaim: 'raftbed-results' };

/** Mutation shards (`npm run mutate -- --shard I/N`), joined afterwards by `npm run mutate:merge`. */
export function mutationPodScript(p: Pick<MutationJobParams, 'shards'>): string {
  return `exec npm run mutate -- --shard "$JOB_COMPLETION_INDEX/${p.shards}" --concurrency 2 --out "$RESULTS_DIR/mutation/shard-$JOB_COMPLETION_INDEX"`;
}

export function mutationJob(p: MutationJobParams = DEFAULT_MUTATION): Job {
  return indexedJob({
    name: p.name, component: 'mutate', shards: p.shards, parallelism: p.parallelism, image: p.image, resultsClaim: p.resultsClaim,
    cpus: 2, memory: '4Gi', script: mutationPodScript(p), retriesPerIndex: 1,
  });
}

export const MANIFESTS: Readonly<Record<string, () => Job>> = {
  'sweep-job.yaml': () => sweepJob(),
  'mutation-job.yaml': () => mutationJob(),
};

const HEADER = '# Generated by deploy/k8s/job.ts (npm run deploy:k8s); edit that file, not this one.\n';

export function renderManifest(job: Job): string {
  job.validate();
  return HEADER + renderYaml(job.toJSON());
}

if (require.main === module) {
  for (const [file, make] of Object.entries(MANIFESTS)) writeFileSync(join(__dirname, file), renderManifest(make()));
}
