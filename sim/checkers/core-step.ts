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
import { checkTransferAccounting } from './transfer-accounting';
import { checkElectionTally } from './election-tally';
import { checkSnapshotTransfer } from './snapshot-transfer';
import { checkTransferRequests } from './transfer-requests';

/** Throws SafetyViolation if one result of core's step from `before` on `input` breaks a rule. */
export function checkCoreStep(before: RaftState, input: Input, result: StepResult): void {
  const node = result.state.config.id;
  checkLeaderBookkeeping(node, result.state);
  checkFlowControl(node, result.state, result, before, input);
  checkLeaderLease(node, before, input, result);
  checkOutputVocabulary(node, result);
  checkReadAccounting(node, before, input, result);
  // Both read rules judge a leader's step only; the reads it answered are counted once for both.
  const readAnswers = before.role === 'Leader' ? answersInStep(node, before, result) : null;
  checkReadConservation(node, before, input, result, readAnswers);
  checkReadConfirmation(node, before, input, result, readAnswers);
  checkTransferAccounting(node, before, input, result);
  checkElectionTally(node, before, input, result);
  checkSnapshotTransfer(node, before, input, result);
  checkTransferRequests(node, before, input, result);
}
