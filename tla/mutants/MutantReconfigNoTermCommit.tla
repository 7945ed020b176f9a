--------------------- MODULE MutantReconfigNoTermCommit ---------------------
(***************************************************************************)
(* Mutant: single-server changes without the 2015 rule (Ongaro, raft-dev, *)
(* 2015: "bug in single-server membership changes"). A leader may append *)
(* a configuration entry before it has committed an entry of its own     *)
(* term. Two leaders of different terms then each append a single-server *)
(* change of the same configuration; the two results differ by two       *)
(* servers, their quorums need not meet, and two leaders are elected in  *)
(* one term.                                                              *)
(*                                                                         *)
(* The directed start, four voters n1..n4:                                 *)
(*   n1 led term 1, committed E1 on {n1, n2, n3} and (legally, after that *)
(*   commit) removed n4: its log ends in {n1, n2, n3}, replicated to      *)
(*   nobody.                                                              *)
(*   n3 then won term 2 with the votes of n2, n3 and n4 and has appended *)
(*   nothing yet.                                                         *)
(*   n1 has since campaigned in term 3 with its configuration            *)
(*   {n1, n2, n3} and holds the votes of n1 and n2: a quorum there. n3   *)
(*   and n4 have not heard of term 3.                                     *)
(* With the bug, n3 removes n1 at once ({n2, n3, n4}) and copies that to  *)
(* n4, and n4 wins term 3 with n3 and n4, a quorum of {n2, n3, n4}, as n1 *)
(* wins it with n1 and n2. With the rule (the control), n3 must first     *)
(* commit an entry of term 2 on a quorum of {n1..n4}, which it cannot     *)
(* reach now that n1 and n2 are in term 3: it never proposes.            *)
(***************************************************************************)
EXTENDS MutantReconfigBase

\* The bug: no need to have committed anything in the current term.
NoTermCommitRule(i) == TRUE

NoTermCommitChanges == {<<Change(RemoveNode, "n1")>>}

FourVoters == [voters |-> {"n1", "n2", "n3", "n4"}, outgoing |-> {}, learners |-> {}]
WithoutN4  == [voters |-> {"n1", "n2", "n3"}, outgoing |-> {}, learners |-> {}]

TwoLeadersNoTermCommitInit ==
    /\ messages       = EmptyBag
    /\ currentTerm    = ("n1" :> 3 @@ "n2" :> 3 @@ "n3" :> 2 @@ "n4" :> 2)
    /\ state          = ("n1" :> Candidate @@ "n2" :> Follower @@ "n3" :> Leader @@ "n4" :> Follower)
    /\ votedFor       = ("n1" :> "n1" @@ "n2" :> "n1" @@ "n3" :> "n3" @@ "n4" :> "n3")
    /\ log            = ("n1" :> <<Entry(1), ConfigEntry(1, WithoutN4)>>
                          @@ "n2" :> <<Entry(1)>> @@ "n3" :> <<Entry(1)>> @@ "n4" :> <<Entry(1)>>)
    /\ commitIndex    = ("n1" :> 1 @@ "n2" :> 1 @@ "n3" :> 0 @@ "n4" :> 0)
    /\ votesResponded = ("n1" :> {"n1", "n2"} @@ "n2" :> {} @@ "n3" :> {} @@ "n4" :> {})
    /\ votesGranted   = ("n1" :> {"n1", "n2"} @@ "n2" :> {} @@ "n3" :> {} @@ "n4" :> {})
    /\ nextIndex      = [i \in Server |-> [j \in Server |-> IF i = "n3" THEN 2 ELSE 1]]
    /\ matchIndex     = [i \in Server |-> [j \in Server |-> 0]]
    /\ elections      = {[eterm |-> 1, eleader |-> "n1", elog |-> <<>>],
                         [eterm |-> 2, eleader |-> "n3", elog |-> <<Entry(1)>>]}
    /\ allLogs        = {<<>>, <<Entry(1)>>, <<Entry(1), ConfigEntry(1, WithoutN4)>>}
    /\ commits        = {[index |-> 1, entry |-> Entry(1), cterm |-> 1]}

\* Only n4 may start a campaign (into term 3, the last); n1 already runs one.
NoTermCommitNext == ReconfigDirectedNext(NoTermCommitChanges, {"n4"})

NoTermCommitBound == ReconfigWithinBounds(3, 3, 1)

=============================================================================
