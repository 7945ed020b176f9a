export type PropertyName =
  | 'ElectionSafety'
  | 'LeaderAppendOnly'
  | 'LogMatching'
  | 'LeaderCompleteness'
  /** At a commit, no server lacking the entry can still be elected (commit-protection.ts). */
  | 'CommitSurvivesElections'
  | 'StateMachineSafety'
  | 'ConfigQuorumIntersection'
  | 'OneUncommittedConfig'
  | 'TermMonotonic'
  | 'CommitMonotonic'
  | 'PreVoteKeepsTerm'
  | 'OneVotePerTerm'
  | 'DurableStateRegressed'
  | 'LeaderBookkeeping'
  | 'FlowControl'
  /** A snapshot transfer moved backwards or sent a needless chunk (sim/checkers/snapshot-transfer.ts). */
  | 'SnapshotTransfer'
  | 'LeaderLease'
  | 'QuorumActivity'
  | 'OutputVocabulary'
  | 'ReadAccounting'
  | 'TransferAccounting'
  | 'ElectionTally'
  | 'LeaderNoop'
  | 'TransferAnswers'
  | 'TimeoutNowRules'
  | 'CoreRejectedOwnMessage'
  | 'CoreInternalError'
  | 'LivenessLeader'
  | 'LivenessOperations'
  | 'LivenessCommitCatchUp'
  | 'AvailabilityLeaderless'
  | 'AvailabilityStalledOperation'
  | 'UncaughtException'
  /** The implementation broke the node protocol (protocol/errors.ts: hang, exit, malformed or out-of-contract output, fatal). */
  | 'ProtocolConformance'
  /** The simulator broke its side of the protocol (protocol/conformance.ts DriverContractError). */
  | 'DriverContract'
  | 'Linearizability'
  | 'FaultsNeverHappened';

/** A property failed. The simulator stops the run and reports the event where it broke. */
export class SafetyViolation extends Error {
  override readonly name = 'SafetyViolation';
  constructor(readonly property: PropertyName, readonly detail: string, readonly node: string | null = null) {
    super(`${property}: ${detail}`);
  }
}
