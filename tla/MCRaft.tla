------------------------------- MODULE MCRaft -------------------------------
(***************************************************************************)
(* The bounded model of Raft.tla that CI checks exhaustively. Bounds live *)
(* in MCRaft.cfg; see docs/tla-features.md for the measured cost.         *)
(***************************************************************************)
EXTENDS RaftInvariants

CONSTANTS
    MaxTerm,      \* no server goes past this term
    MaxLogLen,    \* no log grows past this many entries
    MaxCopies,    \* no message has more than this many copies in flight
    MaxInFlight,  \* at most this many distinct messages in flight
    AllowRestart,      \* whether servers may crash and recover (TRUE/FALSE)
    AllowNetworkFaults \* whether messages may be dropped or duplicated

\* Prunes the state space; TLC does not explore successors of states that
\* violate it, but still checks invariants on them.
StateBound ==
    /\ \A i \in Server : currentTerm[i] <= MaxTerm
    /\ \A i \in Server : Len(log[i]) <= MaxLogLen
    /\ \A m \in DOMAIN messages : messages[m] <= MaxCopies
    /\ Cardinality(DOMAIN messages) <= MaxInFlight

\* Next, with faults optional: each multiplies the state space several times.
MCNext ==
    /\ \/ ElectionStep
       \/ ReplicationStep
       \/ ReceiveStep
       \/ AllowNetworkFaults /\ NetworkFaultStep
       \/ AllowRestart /\ CrashStep
    /\ RecordLogs

MCSpec == Init /\ [][MCNext]_vars

\* Candidate tallies are dead unless the server is a Candidate (Timeout resets
\* them before they are read again), and nextIndex/matchIndex are dead unless
\* it is a Leader (BecomeLeader resets them). Hiding dead values merges
\* states with identical futures, which is sound for every property we check
\* since none of them reads these variables.
LiveTally(i, tally) == IF state[i] = Candidate THEN tally[i] ELSE {}
LiveIndexes(i, idx) == IF state[i] = Leader THEN idx[i] ELSE <<>>
MCView ==
    <<messages, allLogs, elections, commits, currentTerm, state, votedFor,
      log, commitIndex,
      [i \in Server |-> LiveTally(i, votesResponded)],
      [i \in Server |-> LiveTally(i, votesGranted)],
      [i \in Server |-> LiveIndexes(i, nextIndex)],
      [i \in Server |-> LiveIndexes(i, matchIndex)]>>

\* No SYMMETRY: TLC only permutes model values, and our node ids are strings
\* (the implementation's vocabulary), so the model pays for every ordering.

=============================================================================
