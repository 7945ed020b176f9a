import type { RaftConfig } from './types';

export const DEFAULT_CONFIG: Omit<RaftConfig, 'clusterId' | 'id' | 'cluster' | 'seed'> = Object.freeze({
  electionTimeoutTicks: 10,
  heartbeatIntervalTicks: 1,
  preVote: true,
  checkQuorum: true,
  leaseRead: false,
  leaseClockDriftBoundTicks: 2,
  maxEntriesPerAppend: 256,
  maxBytesPerAppend: 256 * 1024,
  maxInflightAppends: 64,
  maxInflightBytes: 8 * 1024 * 1024,
  maxUncommittedBytes: 16 * 1024 * 1024,
  snapshotChunkBytes: 64 * 1024,
});

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function makeConfig(required: Pick<RaftConfig, 'clusterId' | 'id' | 'cluster' | 'seed'> & Partial<RaftConfig>): RaftConfig {
  const config: RaftConfig = { ...DEFAULT_CONFIG, ...required };
  validateConfig(config);
  return config;
}

function positiveInteger(config: RaftConfig, key: keyof RaftConfig): void {
  const value = config[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ConfigError(`config.${key} must be a positive integer, got ${JSON.stringify(value)}`);
  }
}

export function validateConfig(config: RaftConfig): void {
  if (typeof config.clusterId !== 'string' || config.clusterId === '') throw new ConfigError('config.clusterId must be a non-empty string');
  const voters = config.cluster?.voters;
  if (!Array.isArray(voters) || voters.length === 0) throw new ConfigError('config.cluster.voters must list at least one node');
  if (new Set(voters).size !== voters.length) throw new ConfigError('config.cluster.voters has duplicates');
  // A node outside the configuration is a node waiting to be added: it never campaigns until the
  // log makes it a voter (core/membership.ts).
  if (typeof config.id !== 'string' || config.id === '') throw new ConfigError('config.id must be a non-empty string');
  if (!Number.isInteger(config.seed)) throw new ConfigError('config.seed must be an integer');
  for (const key of [
    'electionTimeoutTicks', 'heartbeatIntervalTicks', 'maxEntriesPerAppend', 'maxBytesPerAppend',
    'maxInflightAppends', 'maxInflightBytes', 'maxUncommittedBytes', 'snapshotChunkBytes',
  ] as const) positiveInteger(config, key);
  if (config.heartbeatIntervalTicks >= config.electionTimeoutTicks) {
    throw new ConfigError('config.heartbeatIntervalTicks must be below electionTimeoutTicks, or followers time out between heartbeats');
  }
  if (config.leaseRead && !config.checkQuorum) {
    throw new ConfigError('config.leaseRead requires checkQuorum: without it a deposed leader could keep serving reads');
  }
  if (config.leaseRead && !(config.leaseClockDriftBoundTicks >= 0 && config.leaseClockDriftBoundTicks < config.electionTimeoutTicks)) {
    throw new ConfigError('config.leaseClockDriftBoundTicks must be in [0, electionTimeoutTicks)');
  }
}
