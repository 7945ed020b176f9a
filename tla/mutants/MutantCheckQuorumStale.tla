----------------------- MODULE MutantCheckQuorumStale -----------------------
(***************************************************************************)
(* Mutant: CheckQuorum counts any AppendEntries answer as a sign of life, *)
(* even one from an earlier term. A leader can then keep believing a      *)
(* quorum follows it on the strength of replies sent to somebody else's   *)
(* (or its own earlier) leadership, and never step down.                  *)
(* HeardFromCurrentTerm catches it.                                        *)
(*                                                                         *)
(* MutantCheckQuorumStale.cfg swaps HeardAfter for the buggy one; the     *)
(* control config runs RaftCheckQuorum.tla unmodified from the same state.*)
(***************************************************************************)
EXTENDS MCRaftCheckQuorum

\* The bug: the reply's term is not compared with the leader's.
HeardAnyTerm(m) ==
    LET i == m.mdest
    IN IF m.mtype = AppendEntriesResponse /\ state[i] = Leader
       THEN [heardFrom EXCEPT ![i] = @ \cup {m.msource}]
       ELSE heardFrom

\* n1 has just won term 3 with n3's vote. n2 is still in term 2 and its
\* answer to an AppendEntries of term 2 is on its way to n1.
StaleAnswerInit ==
    /\ messages       = ([mtype       |-> AppendEntriesResponse,
                          mterm       |-> 2,
                          msuccess    |-> TRUE,
                          mmatchIndex |-> 0,
                          msource     |-> "n2",
                          mdest       |-> "n1"] :> 1)
    /\ currentTerm    = ("n1" :> 3 @@ "n2" :> 2 @@ "n3" :> 3)
    /\ state          = ("n1" :> Leader @@ "n2" :> Follower @@ "n3" :> Follower)
    /\ votedFor       = ("n1" :> "n1" @@ "n2" :> Nil @@ "n3" :> "n1")
    /\ log            = [i \in Server |-> <<>>]
    /\ commitIndex    = [i \in Server |-> 0]
    /\ votesResponded = [i \in Server |-> IF i = "n1" THEN {"n1", "n3"} ELSE {}]
    /\ votesGranted   = [i \in Server |-> IF i = "n1" THEN {"n1", "n3"} ELSE {}]
    /\ nextIndex      = [i \in Server |-> [j \in Server |-> 1]]
    /\ matchIndex     = [i \in Server |-> [j \in Server |-> 0]]
    /\ elections      = {[eterm |-> 3, eleader |-> "n1", elog |-> <<>>]}
    /\ allLogs        = {<<>>}
    /\ commits        = {}
    /\ heardFrom      = [i \in Server |-> {}]
    /\ leaderLease    = [i \in Server |-> FALSE]

=============================================================================
