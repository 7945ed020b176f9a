--------------------------- MODULE MutantFigure8 ---------------------------
(***************************************************************************)
(* Mutant (a): the "Figure 8" commit bug (Raft paper, section 5.4.2).     *)
(* The leader marks an entry committed as soon as a quorum holds it, even *)
(* when the entry is from an earlier term. A later leader that never saw  *)
(* the entry can then win an election and overwrite it.                   *)
(*                                                                         *)
(* MutantFigure8.cfg swaps AdvanceCommitIndex for the buggy one; the      *)
(* control config runs the unmodified spec from the same directed state   *)
(* and must find no error, so the violation is the mutation's doing.      *)
(***************************************************************************)
EXTENDS MutantBase

\* The bug: commit the highest quorum-replicated index, whatever its term.
CountingAdvanceCommitIndex(i) ==
    /\ state[i] = Leader
    /\ LET replicated == ReplicatedOnQuorum(i)
       IN /\ replicated /= {}
          /\ MaxOf(replicated) > commitIndex[i]
          /\ CommitUpTo(i, MaxOf(replicated))
    /\ UNCHANGED <<messages, elections, serverVars, log,
                   candidateVars, leaderVars>>

\* Figure 8 (c) with three servers, just before the fatal commit:
\*   n1 led term 2 and appended an entry nobody else got; n3 led term 3
\*   and did the same; n1 won term 4 and has since copied its term-2 entry
\*   to n2, so a quorum {n1, n2} holds it. n3 has timed out into term 5
\*   and voted for itself; n2's log is no more up to date than n3's.
Figure8Init ==
    /\ messages       = EmptyBag
    /\ currentTerm    = ("n1" :> 4 @@ "n2" :> 4 @@ "n3" :> 5)
    /\ state          = ("n1" :> Leader @@ "n2" :> Follower @@ "n3" :> Candidate)
    /\ votedFor       = ("n1" :> "n1" @@ "n2" :> "n1" @@ "n3" :> "n3")
    /\ log            = ("n1" :> <<Entry(2)>> @@ "n2" :> <<Entry(2)>> @@ "n3" :> <<Entry(3)>>)
    /\ commitIndex    = [i \in Server |-> 0]
    /\ votesResponded = ("n1" :> {"n1", "n2"} @@ "n2" :> {} @@ "n3" :> {"n3"})
    /\ votesGranted   = ("n1" :> {"n1", "n2"} @@ "n2" :> {} @@ "n3" :> {"n3"})
    /\ nextIndex      = [i \in Server |-> [j \in Server |-> IF i = "n1" /\ j = "n2" THEN 2 ELSE 1]]
    /\ matchIndex     = [i \in Server |-> [j \in Server |-> IF i = "n1" /\ j = "n2" THEN 1 ELSE 0]]
    /\ elections      = {[eterm |-> 2, eleader |-> "n1", elog |-> <<>>],
                         [eterm |-> 3, eleader |-> "n3", elog |-> <<>>],
                         [eterm |-> 4, eleader |-> "n1", elog |-> <<Entry(2)>>]}
    /\ allLogs        = {<<>>, <<Entry(2)>>, <<Entry(3)>>}
    /\ commits        = {}

\* Keeps the control run (which must exhaust the space) small.
Figure8Bound == WithinBounds(5, 1)

=============================================================================
