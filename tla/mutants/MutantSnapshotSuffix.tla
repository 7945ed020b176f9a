------------------------ MODULE MutantSnapshotSuffix ------------------------
(***************************************************************************)
(* Mutant: a follower installing a snapshot keeps the rest of its log     *)
(* without checking that its log agrees with the snapshot's last entry.   *)
(* Its old entries after the snapshot then follow a prefix they were      *)
(* never appended to, so two logs hold the same (index, term) with        *)
(* different prefixes: Log Matching fails.                                *)
(*                                                                         *)
(* MutantSnapshotSuffix.cfg swaps LogAfterSnapshot for the buggy one; the *)
(* control config runs RaftSnapshot.tla unmodified from the same state.   *)
(***************************************************************************)
EXTENDS MutantBase, RaftSnapshot

\* The bug: always keep the suffix.
KeepingLogAfterSnapshot(i, m) ==
    m.mentries \o SubSeq(log[i], m.mlastIndex + 1, Len(log[i]))

Stale(t) == [term |-> t, value |-> "v2"]

\* n1 leads term 2, has committed [E(1), E(2)] with n2 and compacted both.
\* n3, the deposed term-1 leader, holds [E(1), Stale(1), Stale(1)] and has
\* just rejected n1's first AppendEntries, so n1's nextIndex for it is 2:
\* below the snapshot, so n1 must send the snapshot.
CompactedLeaderInit ==
    /\ messages       = EmptyBag
    /\ currentTerm    = [i \in Server |-> 2]
    /\ state          = ("n1" :> Leader @@ "n2" :> Follower @@ "n3" :> Follower)
    /\ votedFor       = ("n1" :> "n1" @@ "n2" :> "n1" @@ "n3" :> Nil)
    /\ log            = ("n1" :> <<Entry(1), Entry(2)>> @@ "n2" :> <<Entry(1), Entry(2)>>
                          @@ "n3" :> <<Entry(1), Stale(1), Stale(1)>>)
    /\ commitIndex    = ("n1" :> 2 @@ "n2" :> 2 @@ "n3" :> 0)
    /\ votesResponded = [i \in Server |-> {}]
    /\ votesGranted   = [i \in Server |-> {}]
    /\ nextIndex      = [i \in Server |-> [j \in Server |-> IF j = "n3" THEN 2 ELSE 3]]
    /\ matchIndex     = [i \in Server |-> [j \in Server |-> IF j = "n2" THEN 2 ELSE 0]]
    /\ elections      = {[eterm |-> 1, eleader |-> "n3", elog |-> <<>>],
                         [eterm |-> 2, eleader |-> "n1", elog |-> <<Entry(1)>>]}
    /\ allLogs        = {<<>>, <<Entry(1)>>} \cup {log[i] : i \in Server}
    /\ commits        = {[index |-> 1, entry |-> Entry(1), cterm |-> 2],
                         [index |-> 2, entry |-> Entry(2), cterm |-> 2]}
    /\ snapshotIndex  = ("n1" :> 2 @@ "n2" :> 0 @@ "n3" :> 0)

SnapshotDirectedNext ==
    /\ \/ SnapshotStep
       \/ BaseStepAboveSnapshot
    /\ RecordLogs

\* Keeps the control run (which must exhaust the space) small.
SnapshotSuffixBound ==
    /\ WithinBounds(2, 1)
    /\ \A i \in Server : Len(log[i]) <= 3

=============================================================================
