-------------------------- MODULE MCRaftSnapshot --------------------------
(* Bounded model of RaftSnapshot.tla, reusing MCRaft's bounds and view.   *)
EXTENDS MCRaft, RaftSnapshot

MCSnapshotNext ==
    /\ \/ SnapshotStep
       \/ BaseStepAboveSnapshot
       \/ SnapshotFaultStep(AllowNetworkFaults, AllowRestart)
    /\ RecordLogs

\* Entry of term t; the stale leader's entries carry another value.
E(t)     == [term |-> t, value |-> "v1"]
Stale(t) == [term |-> t, value |-> "v2"]

\* A directed start where a snapshot is soon needed, and both ways of
\* installing it are reachable:
\*   n3 led term 1 and appended two entries after E(1) that nobody else
\*   got; it has not heard of term 2 yet.
\*   n1 won term 2 with n2's vote and replicated E(2) to n2; nothing is
\*   committed or compacted yet. n1 has backed off all the way to 1 for n3
\*   (rejections move nextIndex back one entry each; a duplicated one can
\*   take it below where the logs agree).
\* From here n1 commits [E(1), E(2)] and may compact one or two entries.
\* A snapshot at index 1 agrees with n3's log there, so n3 keeps its
\* suffix (AppendEntries replaces it later); a snapshot at index 2 does not,
\* so n3's log becomes the snapshot.
StaleFollowerInit ==
    /\ messages       = EmptyBag
    /\ currentTerm    = ("n1" :> 2 @@ "n2" :> 2 @@ "n3" :> 1)
    /\ state          = ("n1" :> Leader @@ "n2" :> Follower @@ "n3" :> Leader)
    /\ votedFor       = ("n1" :> "n1" @@ "n2" :> "n1" @@ "n3" :> "n3")
    /\ log            = ("n1" :> <<E(1), E(2)>> @@ "n2" :> <<E(1), E(2)>>
                          @@ "n3" :> <<E(1), Stale(1), Stale(1)>>)
    /\ commitIndex    = [i \in Server |-> 0]
    /\ votesResponded = [i \in Server |-> {}]
    /\ votesGranted   = [i \in Server |-> {}]
    /\ nextIndex      = ("n1" :> ("n1" :> 3 @@ "n2" :> 3 @@ "n3" :> 1)
                          @@ "n2" :> [j \in Server |-> 1]
                          @@ "n3" :> [j \in Server |-> 4])
    /\ matchIndex     = ("n1" :> ("n1" :> 0 @@ "n2" :> 2 @@ "n3" :> 0)
                          @@ "n2" :> [j \in Server |-> 0]
                          @@ "n3" :> [j \in Server |-> 0])
    /\ elections      = {[eterm |-> 1, eleader |-> "n3", elog |-> <<>>],
                         [eterm |-> 2, eleader |-> "n1", elog |-> <<E(1)>>]}
    /\ allLogs        = {<<>>, <<E(1)>>} \cup {log[i] : i \in Server}
    /\ commits        = {}
    /\ snapshotIndex  = [i \in Server |-> 0]

MCSnapshotSpec == StaleFollowerInit /\ [][MCSnapshotNext]_allVars

MCSnapshotView == <<MCView, snapshotIndex>>

=============================================================================
