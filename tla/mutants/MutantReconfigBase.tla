------------------------- MODULE MutantReconfigBase -------------------------
(***************************************************************************)
(* What the membership mutants share: RaftReconfig's next-state relation  *)
(* without crashes or network faults (as MutantBase's DirectedNext), the *)
(* invariants, and the bound.                                             *)
(***************************************************************************)
EXTENDS RaftReconfig, RaftInvariants

Change(kind, node) == [kind |-> kind, node |-> node]

\* campaigners: the servers whose election timer may fire (a directed
\* start sets up the campaigns that matter; other timeouts only multiply
\* states, most of them past the term bound anyway).
ReconfigDirectedNext(changeSet, campaigners) ==
    /\ \/ ReconfigStep(changeSet, {FALSE})
       \/ \E i \in campaigners : ReconfigTimeout(i)
       \/ \E i, j \in Server : RequestVote(i, j)
       \/ \E i \in Server : ReconfigBecomeLeader(i)
       \/ ReconfigReplicationStep
       \/ ReceiveStep
    /\ RecordLogs

ReconfigWithinBounds(maxTerm, maxLogLen, maxInFlight) ==
    /\ \A i \in Server : currentTerm[i] <= maxTerm
    /\ \A i \in Server : Len(log[i]) <= maxLogLen
    /\ \A m \in DOMAIN messages : messages[m] <= 1
    /\ Cardinality(DOMAIN messages) <= maxInFlight

\* As MCRaft's MCView: candidate tallies are dead unless the server is a
\* Candidate, nextIndex/matchIndex unless it is a Leader (each is reset
\* before it is read again, and no invariant reads them).
DeadHidden(i, v, role, empty) == IF state[i] = role THEN v[i] ELSE empty
ReconfigView ==
    <<messages, allLogs, elections, commits, currentTerm, state, votedFor,
      log, commitIndex,
      [i \in Server |-> DeadHidden(i, votesResponded, Candidate, {})],
      [i \in Server |-> DeadHidden(i, votesGranted, Candidate, {})],
      [i \in Server |-> DeadHidden(i, nextIndex, Leader, <<>>)],
      [i \in Server |-> DeadHidden(i, matchIndex, Leader, <<>>)]>>

Entry(t) == [term |-> t, value |-> "v1"]

=============================================================================
