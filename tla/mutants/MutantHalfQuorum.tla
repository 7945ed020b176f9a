-------------------------- MODULE MutantHalfQuorum --------------------------
(***************************************************************************)
(* Mutant (c): the quorum is "at least half" instead of "more than half". *)
(* With four servers, {n1, n2} and {n3, n4} are both quorums and do not   *)
(* intersect, so two leaders can be elected in one term.                  *)
(***************************************************************************)
EXTENDS MutantBase

\* The bug: >= n/2 (integer division) rather than > n/2.
HalfQuorum == {q \in SUBSET Server : Cardinality(q) >= Cardinality(Server) \div 2}

\* Term 2 with four servers: n1 and n3 campaign, each has its own vote.
TwoCampaignsInit ==
    DirectedState([i \in Server |-> 2],
                  ("n1" :> Candidate @@ "n2" :> Follower @@ "n3" :> Candidate @@ "n4" :> Follower),
                  ("n1" :> "n1" @@ "n2" :> Nil @@ "n3" :> "n3" @@ "n4" :> Nil),
                  [i \in Server |-> <<>>],
                  ("n1" :> {"n1"} @@ "n2" :> {} @@ "n3" :> {"n3"} @@ "n4" :> {}),
                  FreshNext, FreshMatch, {})

TwoCampaignsBound == WithinBounds(2, 2)

=============================================================================
