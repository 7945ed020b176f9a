// The checks that read core's private state, applied by the simulator to every step of its
// in-process core (sim/cluster/implementation.ts). The shared checkers (checkers/) judge any
// implementation from its protocol views; these judge what only core's own records show.

import type { Input, RaftState, StepResult } from '../../core';
import { checkLeaderBookkeeping } from './leader-bookkeeping';
import { checkFlowControl } from './flow-control';
import { checkLeaderLease } from './leader-lease';
import { checkOutputVocabulary } from './output-vocabulary';
import { checkReadAccounting } from './read-accounting';
import { checkReadConservation } from './read-conservation';
import { checkReadConfirmation } from './read-confirmation';
import { answersInStep } from './read-answers';
import { sameTermLeader } from './same-term-leader';
import { checkTransferAccounting } from './transfer-accounting';
import { checkElectionTally } from './election-tally';
import { checkSnapshotTransfer } from './snapshot-transfer';
import { checkTransferRequests } from './transfer-requests';

/**
 * Throws SafetyViolation if one result of core's step from `before` on `input` breaks a rule.
 *
 * The rules run in a fixed order (the first that fails names the violation). Those that judge only
 * a leader's records are called only for the steps they judge, each skipped exactly where it would
 * return at once: LeaderBookkeeping reads the state after a step, so only a leader's; the two read
 * rules and TransferAccounting only a step in which the node led one term throughout (the read
 * rules also need the leader's records). The others judge some step of every role and run on
 * every step.
 */
export function checkCoreStep(before: RaftState, input: Input, result: StepResult): void {
  const after = result.state;
  const node = after.config.id;
  if (after.role === 'Leader') checkLeaderBookkeeping(node, after);
  checkFlowControl(node, after, result, before, input);
  checkLeaderLease(node, before, input, result);
  checkOutputVocabulary(node, result);
  checkReadAccounting(node, before, input, result);
  if (before.role === 'Leader' && after.role === 'Leader' && before.term === after.term) {
    const leader = sameTermLeader(before, after);
    if (leader !== null) {
      // The reads a leader's step answered, and its records, are picked out once for both read rules.
      const readAnswers = answersInStep(node, before, result);
      checkReadConservation(node, before, input, result, readAnswers, leader);
      checkReadConfirmation(node, before, input, result, readAnswers, leader);
    }
    checkTransferAccounting(node, before, input, result);
  }
  checkElectionTally(node, before, input, result);
  checkSnapshotTransfer(node, before, input, result);
  checkTransferRequests(node, before, input, result);
}
