// The safety checker's public surface (the `raftbed/checkers` entry point): Raft's safety
// properties checked over observed node states, shared by every driver.
export { SafetyChecker } from './safety';
export { CommitProtection, type CommitProtectionLogs } from './commit-protection';
export * from './violation';
