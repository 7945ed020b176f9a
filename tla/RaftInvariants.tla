--------------------------- MODULE RaftInvariants ---------------------------
(***************************************************************************)
(* The safety properties of Raft, stated so TLC can check them on every   *)
(* reachable state. They follow the lemmas of Ongaro's dissertation       *)
(* (section 3.6 and appendix B), phrased over the history variables of    *)
(* Raft.tla: elections, allLogs and commits.                              *)
(***************************************************************************)
EXTENDS Raft

\* Election Safety: at most one leader can be elected in a given term.
ElectionSafety ==
    \A e, f \in elections : e.eterm = f.eterm => e.eleader = f.eleader

\* Log Matching: if two logs contain an entry with the same index and term,
\* the logs are identical in all entries up through that index. Checked over
\* every log ever held (allLogs), which contains every current log.
LogsMatch(l1, l2) ==
    \A k \in 1..MinOf({Len(l1), Len(l2)}) :
        l1[k].term = l2[k].term => SubSeq(l1, 1, k) = SubSeq(l2, 1, k)

LogMatching ==
    \A l1, l2 \in allLogs \cup {log[i] : i \in Server} : LogsMatch(l1, l2)

\* Leader Completeness: an entry committed in term t is in the log of every
\* leader of a term after t (from the moment it wins the election on).
LeaderCompleteness ==
    \A e \in elections, c \in commits :
        c.cterm < e.eterm =>
            /\ c.index <= Len(e.elog)
            /\ e.elog[c.index] = c.entry

\* State Machine Safety: no two servers ever apply different entries at the
\* same index. Checked both on the current commit points and on every commit
\* decision ever made (a decision may since have been lost by a restart).
StateMachineSafety ==
    /\ \A i, j \in Server :
         \A k \in 1..MinOf({commitIndex[i], commitIndex[j], Len(log[i]), Len(log[j])}) :
             log[i][k] = log[j][k]
    /\ \A c, d \in commits : c.index = d.index => c.entry = d.entry

\* A server never believes more is committed than its log holds.
CommitIndexBoundedByLog ==
    \A i \in Server : commitIndex[i] <= Len(log[i])

\* All state invariants, for configs that want them in one line.
SafetyInvariants ==
    /\ ElectionSafety
    /\ LogMatching
    /\ LeaderCompleteness
    /\ StateMachineSafety
    /\ CommitIndexBoundedByLog

\* Leader Append-Only (an action property): while a server stays leader of
\* the same term, it only appends to its log.
LeaderAppendOnlyStep ==
    \A i \in Server :
        (state[i] = Leader /\ state'[i] = Leader /\ currentTerm'[i] = currentTerm[i])
            => /\ Len(log'[i]) >= Len(log[i])
               /\ SubSeq(log'[i], 1, Len(log[i])) = log[i]

LeaderAppendOnly == [][LeaderAppendOnlyStep]_vars

\* Type sanity, mostly to catch mistakes in directed initial states.
TypeOK ==
    /\ currentTerm \in [Server -> Nat]
    /\ state \in [Server -> {Follower, Candidate, PreCandidate, Leader}]
    /\ votedFor \in [Server -> Server \cup {Nil}]
    /\ commitIndex \in [Server -> Nat]
    /\ \A i \in Server : \A k \in 1..Len(log[i]) : log[i][k].term <= currentTerm[i]

=============================================================================
