/**
 * Every TLC run the project knows about, with the verdict each must produce. The check
 * command and the integration test both read this list, so a new mutant or extension is
 * registered in exactly one place.
 */
import * as path from 'path';

export const TLA_DIR = __dirname;

export interface ModelRun {
  /** Short id used in summaries and JSON. */
  id: string;
  /** Root module, relative to tla/. */
  module: string;
  /** Config, relative to tla/. */
  config: string;
  description: string;
}

export interface MutantRun extends ModelRun {
  /** The invariant TLC must name when it exits 12. */
  expectedInvariant: string;
  /** Same directed start, unmutated spec: must find no error. */
  controlConfig: string;
}

/** The bounded model CI checks exhaustively (minutes). */
export const FULL_MODEL: ModelRun = {
  id: 'MCRaft',
  module: 'MCRaft.tla',
  config: 'MCRaft.cfg',
  description: 'Raft.tla, 3 servers, bounded terms/log/messages, all invariants',
};

/** A few-second version of the same model, for tests and quick checks. */
export const SMALL_MODEL: ModelRun = {
  id: 'MCRaftSmall',
  module: 'MCRaft.tla',
  config: 'MCRaftSmall.cfg',
  description: 'Raft.tla, 3 servers, one election term, for quick runs',
};

export const MUTANTS: MutantRun[] = [
  {
    id: 'figure8-commit',
    module: 'mutants/MutantFigure8.tla',
    config: 'mutants/MutantFigure8.cfg',
    controlConfig: 'mutants/MutantFigure8.control.cfg',
    expectedInvariant: 'LeaderCompleteness',
    description: 'leader commits an old-term entry by counting replicas (Raft Figure 8)',
  },
  {
    id: 'double-vote',
    module: 'mutants/MutantDoubleVote.tla',
    config: 'mutants/MutantDoubleVote.cfg',
    controlConfig: 'mutants/MutantDoubleVote.control.cfg',
    expectedInvariant: 'ElectionSafety',
    description: 'a server votes for two candidates in one term',
  },
  {
    id: 'half-quorum',
    module: 'mutants/MutantHalfQuorum.tla',
    config: 'mutants/MutantHalfQuorum.cfg',
    controlConfig: 'mutants/MutantHalfQuorum.control.cfg',
    expectedInvariant: 'ElectionSafety',
    description: 'quorum of n/2 instead of a majority (4 servers)',
  },
  {
    id: 'log-matching',
    module: 'mutants/MutantLogMatching.tla',
    config: 'mutants/MutantLogMatching.cfg',
    controlConfig: 'mutants/MutantLogMatching.control.cfg',
    expectedInvariant: 'LogMatching',
    description: 'follower ignores prevLogTerm in the AppendEntries consistency check',
  },
  {
    id: 'check-quorum-stale',
    module: 'mutants/MutantCheckQuorumStale.tla',
    config: 'mutants/MutantCheckQuorumStale.cfg',
    controlConfig: 'mutants/MutantCheckQuorumStale.control.cfg',
    expectedInvariant: 'HeardFromCurrentTerm',
    description: 'CheckQuorum counts an AppendEntries answer from an earlier term as a sign of life',
  },
  {
    id: 'snapshot-keep-suffix',
    module: 'mutants/MutantSnapshotSuffix.tla',
    config: 'mutants/MutantSnapshotSuffix.cfg',
    controlConfig: 'mutants/MutantSnapshotSuffix.control.cfg',
    expectedInvariant: 'LogMatching',
    description: 'follower installing a snapshot keeps its log suffix even where its log disagrees with the snapshot',
  },
  {
    id: 'read-no-quorum',
    module: 'mutants/MutantReadIndex.tla',
    config: 'mutants/MutantReadNoQuorum.cfg',
    controlConfig: 'mutants/MutantReadIndex.control.cfg',
    expectedInvariant: 'LinearizableRead',
    description: 'ReadIndex served without a heartbeat round acknowledged by a quorum (deposed leader reads stale)',
  },
  {
    id: 'read-no-term-commit',
    module: 'mutants/MutantReadIndex.tla',
    config: 'mutants/MutantReadNoTermCommit.cfg',
    controlConfig: 'mutants/MutantReadIndex.control.cfg',
    expectedInvariant: 'LinearizableRead',
    description: 'ReadIndex taken before the leader has committed an entry of its own term',
  },
  {
    id: 'reconfig-no-term-commit',
    module: 'mutants/MutantReconfigNoTermCommit.tla',
    config: 'mutants/MutantReconfigNoTermCommit.cfg',
    controlConfig: 'mutants/MutantReconfigNoTermCommit.control.cfg',
    expectedInvariant: 'LeaderCompleteness',
    description: 'single-server change proposed before the leader committed an entry of its term (the 2015 bug): a committed removal is missing from the next leader (4 servers)',
  },
  {
    id: 'reconfig-no-term-commit-two-leaders',
    module: 'mutants/MutantReconfigNoTermCommit.tla',
    config: 'mutants/MutantReconfigNoTermCommitTwoLeaders.cfg',
    controlConfig: 'mutants/MutantReconfigNoTermCommit.control.cfg',
    expectedInvariant: 'ElectionSafety',
    description: 'the same 2015 bug watched by ElectionSafety alone: two leaders of term 3 under the two diverged configurations',
  },
  {
    id: 'joint-one-side',
    module: 'mutants/MutantJointOneSide.tla',
    config: 'mutants/MutantJointOneSide.cfg',
    controlConfig: 'mutants/MutantJointOneSide.control.cfg',
    expectedInvariant: 'ElectionSafety',
    description: 'joint configuration quorum counted on the incoming voters only (4 servers)',
  },
  {
    id: 'reconfig-no-joint',
    module: 'mutants/MutantReconfigRules.tla',
    config: 'mutants/MutantReconfigNoJoint.cfg',
    controlConfig: 'mutants/MutantReconfigRules.control.cfg',
    expectedInvariant: 'ConfigQuorumIntersection',
    description: 'a change of several voters applied directly instead of through a joint configuration',
  },
  {
    id: 'reconfig-two-uncommitted',
    module: 'mutants/MutantReconfigRules.tla',
    config: 'mutants/MutantReconfigTwoUncommitted.cfg',
    controlConfig: 'mutants/MutantReconfigRules.control.cfg',
    expectedInvariant: 'OneUncommittedConfig',
    description: 'a configuration change proposed while the previous configuration entry is uncommitted',
  },
];

/** Extension modules, each checked on its own small bounded model: must find no error. */
export const EXTENSIONS: ModelRun[] = [
  {
    id: 'batched',
    module: 'MCRaftBatched.tla',
    config: 'MCRaftBatched.cfg',
    description: 'RaftBatched.tla: multi-entry AppendEntries, one-step suffix truncation',
  },
  {
    id: 'prevote',
    module: 'MCRaftPreVote.tla',
    config: 'MCRaftPreVote.cfg',
    description: 'RaftPreVote.tla: PreVote phase that never changes terms',
  },
  {
    id: 'self-vote',
    module: 'MCRaftSelfVote.tla',
    config: 'MCRaftSelfVote.cfg',
    description: 'RaftSelfVote.tla: candidate votes for itself atomically on timeout',
  },
  {
    id: 'check-quorum',
    module: 'MCRaftCheckQuorum.tla',
    config: 'MCRaftCheckQuorum.cfg',
    description: 'RaftCheckQuorum.tla: leader steps down without a quorum; leader stickiness',
  },
  {
    id: 'snapshot',
    module: 'MCRaftSnapshot.tla',
    config: 'MCRaftSnapshot.cfg',
    description: 'RaftSnapshot.tla: log compaction and InstallSnapshot, from a directed stale-follower start',
  },
  {
    id: 'transfer',
    module: 'MCRaftTransfer.tla',
    config: 'MCRaftTransfer.cfg',
    description: 'RaftTransfer.tla: leadership transfer with TimeoutNowRequest',
  },
  {
    id: 'read-index',
    module: 'MCRaftReadIndex.tla',
    config: 'MCRaftReadIndex.cfg',
    description: 'RaftReadIndex.tla: ReadIndex reads are linearizable, from a directed two-leader start',
  },
  {
    id: 'reconfig',
    module: 'MCRaftReconfig.tla',
    config: 'MCRaftReconfig.cfg',
    description: 'RaftReconfig.tla: single-server and joint membership changes, learners, leader removal',
  },
  {
    id: 'reconfig-removed-campaign',
    module: 'MCRaftReconfig.tla',
    config: 'MCRaftReconfigRemovedCampaign.cfg',
    description: 'RaftReconfig.tla from a directed start: a server removed by an entry only it holds campaigns (MayCampaign) and wins',
  },
];

export function inTlaDir(relative: string): string {
  return path.join(TLA_DIR, relative);
}
