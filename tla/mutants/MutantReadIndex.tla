-------------------------- MODULE MutantReadIndex --------------------------
(***************************************************************************)
(* Two ReadIndex mutants, each dropping one of the two checks a leader    *)
(* makes before serving a read (RaftReadIndex.tla). Both start from       *)
(* MCRaftReadIndex's TwoLeadersInit: n1 is a deposed term-2 leader that   *)
(* does not know it yet, n3 a term-3 leader that has committed nothing of *)
(* its own term.                                                           *)
(*   MutantReadNoQuorum.cfg: the read is served without a heartbeat round *)
(*     (ReadConfirmed is always true). n1 serves a read at index 1 after  *)
(*     n3 has committed index 2: a stale read.                            *)
(*   MutantReadNoTermCommit.cfg: the leader takes reads before it has     *)
(*     committed an entry of its term. n3 serves a read at index 0 though *)
(*     E(2) at index 1 was committed before: a stale read.                *)
(* MutantReadIndex.control.cfg runs the unmutated spec from the same     *)
(* state and bounds and must find no error.                               *)
(***************************************************************************)
EXTENDS MCRaftReadIndex

\* Bug 1: no quorum round.
ConfirmedWithoutQuorum(i) == TRUE

\* Bug 2: any commit index will do.
AnyCommitIndex(i) == TRUE

=============================================================================
