------------------------- MODULE MutantReconfigRules -------------------------
(***************************************************************************)
(* Two mutants of RaftReconfig's proposal rules, planted to show that     *)
(* ConfigQuorumIntersection and OneUncommittedConfig catch what they are *)
(* about:                                                                  *)
(*   MutantReconfigNoJoint.cfg: every change is applied directly, never   *)
(*   through a joint configuration; replacing n1 and n2 by n4 at once     *)
(*   leaves {n1, n2, n3} -> {n3, n4}, whose quorums {n1, n2} and {n3, n4} *)
(*   do not meet.                                                         *)
(*   MutantReconfigTwoUncommitted.cfg: a leader proposes while its last   *)
(*   configuration entry is uncommitted.                                  *)
(* The directed start: n1 leads term 1 with voters n1, n2, n3 (n4 outside) *)
(* and has committed E1 on all three, so the 2015 rule lets it propose.   *)
(* Nobody else campaigns. The control (both rules kept) must find no     *)
(* error while the joint change or the learner is proposed, replicated   *)
(* and committed one entry at a time.                                     *)
(***************************************************************************)
EXTENDS MutantReconfigBase

\* Bug 1: no change counts as more than one voter, so none goes joint.
EveryChangeSimple(old, new) == 0

\* Bug 2: only a joint configuration blocks a new proposal.
OnlyJointBlocks(i) == ~IsJoint(Config(i))

RulesChanges ==
    { <<Change(AddVoter, "n4"), Change(RemoveNode, "n1"), Change(RemoveNode, "n2")>>,
      <<Change(AddLearner, "n4")>> }

ThreeVoters == [voters |-> {"n1", "n2", "n3"}, outgoing |-> {}, learners |-> {}]

LeaderWithTermCommitInit ==
    /\ messages       = EmptyBag
    /\ currentTerm    = [i \in Server |-> 1]
    /\ state          = [i \in Server |-> IF i = "n1" THEN Leader ELSE Follower]
    /\ votedFor       = [i \in Server |-> IF i = "n4" THEN Nil ELSE "n1"]
    /\ log            = [i \in Server |-> IF i = "n4" THEN <<>> ELSE <<Entry(1)>>]
    /\ commitIndex    = [i \in Server |-> IF i = "n1" THEN 1 ELSE 0]
    /\ votesResponded = [i \in Server |-> {}]
    /\ votesGranted   = [i \in Server |-> {}]
    /\ nextIndex      = [i \in Server |-> [j \in Server |-> IF j = "n4" THEN 1 ELSE 2]]
    /\ matchIndex     = [i \in Server |-> [j \in Server |-> IF j = "n4" THEN 0 ELSE 1]]
    /\ elections      = {[eterm |-> 1, eleader |-> "n1", elog |-> <<>>]}
    /\ allLogs        = {<<>>, <<Entry(1)>>}
    /\ commits        = {[index |-> 1, entry |-> Entry(1), cterm |-> 1]}

RulesNext == ReconfigDirectedNext(RulesChanges, {})

RulesBound == ReconfigWithinBounds(1, 3, 1)

=============================================================================
