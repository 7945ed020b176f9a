----------------------------- MODULE MutantBase -----------------------------
(***************************************************************************)
(* What every mutant shares: the invariants, and a next-state relation    *)
(* without crashes or network faults. Mutants start from a directed state *)
(* a few steps before their bug bites; leaving faults out keeps the       *)
(* control runs (the unmutated spec from the same state, which must find  *)
(* no error) small enough to exhaust in seconds.                          *)
(***************************************************************************)
EXTENDS RaftInvariants

DirectedNext ==
    /\ \/ ElectionStep
       \/ ReplicationStep
       \/ ReceiveStep
    /\ RecordLogs

\* Caps applied by every mutant config through its own bound.
WithinBounds(maxTerm, maxInFlight) ==
    /\ \A i \in Server : currentTerm[i] <= maxTerm
    /\ \A m \in DOMAIN messages : messages[m] <= 1
    /\ Cardinality(DOMAIN messages) <= maxInFlight

\* The log entry of term t every directed state uses.
Entry(t) == [term |-> t, value |-> "v1"]

\* A quiet directed initial state: nothing in flight, nothing committed.
\* Arguments are functions over Server (granted: both tallies; next/match:
\* leader bookkeeping) and the elections held so far.
DirectedState(term, role, vote, lg, granted, next, match, elecs) ==
    /\ messages       = EmptyBag
    /\ currentTerm    = term
    /\ state          = role
    /\ votedFor       = vote
    /\ log            = lg
    /\ commitIndex    = [i \in Server |-> 0]
    /\ votesResponded = granted
    /\ votesGranted   = granted
    /\ nextIndex      = next
    /\ matchIndex     = match
    /\ elections      = elecs
    /\ allLogs        = {<<>>} \cup {lg[i] : i \in Server}
    /\ commits        = {}

\* Leader bookkeeping nobody reads yet.
FreshNext  == [i \in Server |-> [j \in Server |-> 1]]
FreshMatch == [i \in Server |-> [j \in Server |-> 0]]

=============================================================================
