------------------------- MODULE MutantLogMatching -------------------------
(***************************************************************************)
(* Mutant (d): a follower checks only that it has an entry at             *)
(* prevLogIndex, not that the entry's term is prevLogTerm. It then        *)
(* appends the leader's entry after a different history, so two logs hold *)
(* the same (index, term) entry over different prefixes.                  *)
(***************************************************************************)
EXTENDS MutantBase

\* The bug: the consistency check ignores the term.
IndexOnlyPrevLogMatches(i, m) == m.mprevLogIndex <= Len(log[i])

\* Term 3: n1 leads with [1, 3] (terms) and is about to send n2 index 2;
\* n2 holds an entry of term 2 at index 1 from a deposed leader.
DivergedInit ==
    DirectedState([i \in Server |-> 3],
                  ("n1" :> Leader @@ "n2" :> Follower @@ "n3" :> Follower),
                  ("n1" :> "n1" @@ "n2" :> "n1" @@ "n3" :> "n1"),
                  ("n1" :> <<Entry(1), Entry(3)>> @@ "n2" :> <<Entry(2)>> @@ "n3" :> <<Entry(1)>>),
                  [i \in Server |-> {}],
                  [i \in Server |-> [j \in Server |-> 2]],
                  FreshMatch,
                  {[eterm |-> 2, eleader |-> "n2", elog |-> <<Entry(1)>>],
                   [eterm |-> 3, eleader |-> "n1", elog |-> <<Entry(1)>>]})

DivergedBound == /\ WithinBounds(3, 2)
                 /\ \A i \in Server : Len(log[i]) <= 2

=============================================================================
