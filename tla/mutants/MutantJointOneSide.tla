------------------------- MODULE MutantJointOneSide -------------------------
(***************************************************************************)
(* Mutant: a joint configuration's quorum counted from one side only (the *)
(* incoming voters), instead of a majority of both sides.                 *)
(*                                                                         *)
(* The directed start: voters n1, n2, n3 and the learner n4, all holding  *)
(* E1, committed in term 1 by n3. n3 then proposed the joint change       *)
(* [AddVoter n4, RemoveNode n1, RemoveNode n2] (new voters {n3, n4}, old  *)
(* {n1, n2, n3} outgoing) and copied it to n4 only. Now, in term 2, n4   *)
(* campaigns with the joint configuration and n2 with the old one; each  *)
(* has its own vote, and n1 and n3 have not voted yet.                    *)
(* With the bug, n4 wins with n3 alone beside itself (a majority of the  *)
(* new side) while n2 wins with n1: two leaders in term 2. Counted on    *)
(* both sides (the control), n4 also needs n1 or n2.                      *)
(***************************************************************************)
EXTENDS MutantReconfigBase

\* The bug: the outgoing side is never counted.
IncomingSideOnly(c, s) == Majority(s, c.voters)

OldVoters == [voters |-> {"n1", "n2", "n3"}, outgoing |-> {}, learners |-> {"n4"}]
Joint     == [voters |-> {"n3", "n4"}, outgoing |-> {"n1", "n2", "n3"}, learners |-> {}]

JointChanges == {}

JointCampaignsInit ==
    LET J == ConfigEntry(1, Joint) IN
    /\ messages       = EmptyBag
    /\ currentTerm    = ("n1" :> 1 @@ "n2" :> 2 @@ "n3" :> 1 @@ "n4" :> 2)
    /\ state          = ("n1" :> Follower @@ "n2" :> Candidate @@ "n3" :> Follower @@ "n4" :> Candidate)
    /\ votedFor       = ("n1" :> "n3" @@ "n2" :> "n2" @@ "n3" :> "n3" @@ "n4" :> "n4")
    /\ log            = ("n1" :> <<Entry(1)>> @@ "n2" :> <<Entry(1)>>
                          @@ "n3" :> <<Entry(1), J>> @@ "n4" :> <<Entry(1), J>>)
    /\ commitIndex    = ("n1" :> 1 @@ "n2" :> 1 @@ "n3" :> 1 @@ "n4" :> 1)
    /\ votesResponded = ("n1" :> {} @@ "n2" :> {"n2"} @@ "n3" :> {} @@ "n4" :> {"n4"})
    /\ votesGranted   = ("n1" :> {} @@ "n2" :> {"n2"} @@ "n3" :> {} @@ "n4" :> {"n4"})
    /\ nextIndex      = [i \in Server |-> [j \in Server |-> 1]]
    /\ matchIndex     = [i \in Server |-> [j \in Server |-> 0]]
    /\ elections      = {[eterm |-> 1, eleader |-> "n3", elog |-> <<>>]}
    /\ allLogs        = {<<>>, <<Entry(1)>>, <<Entry(1), J>>}
    /\ commits        = {[index |-> 1, entry |-> Entry(1), cterm |-> 1]}

\* No new campaigns: the question is whether n2 and n4 can both win term 2.
JointNext == ReconfigDirectedNext(JointChanges, {})

JointBound == ReconfigWithinBounds(2, 3, 1)

=============================================================================
