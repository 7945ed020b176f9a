--------------------------- MODULE MCRaftBatched ---------------------------
(* Bounded model of RaftBatched.tla, reusing MCRaft's bounds and view.    *)
EXTENDS MCRaft, RaftBatched

MCBatchedNext ==
    /\ \/ ElectionStep
       \/ ReplicationStep
       \/ BatchedStep
       \/ AllowNetworkFaults /\ NetworkFaultStep
       \/ AllowRestart /\ CrashStep
    /\ RecordLogs

MCBatchedSpec == Init /\ [][MCBatchedNext]_vars

Entry(t) == [term |-> t, value |-> "v1"]

\* A directed start where batching matters at once: n1 leads term 3 with
\* [1, 3, 3]; n2 holds a conflicting suffix [1, 2, 2] from the deposed
\* term-2 leader; n3 has only [1]. Exploring from here exercises
\* multi-entry requests, one-step truncation and commit in a model small
\* enough to exhaust in seconds.
DivergedInit ==
    /\ messages       = EmptyBag
    /\ currentTerm    = [i \in Server |-> 3]
    /\ state          = [i \in Server |-> IF i = "n1" THEN Leader ELSE Follower]
    /\ votedFor       = [i \in Server |-> "n1"]
    /\ log            = ("n1" :> <<Entry(1), Entry(3), Entry(3)>>
                          @@ "n2" :> <<Entry(1), Entry(2), Entry(2)>>
                          @@ "n3" :> <<Entry(1)>>)
    /\ commitIndex    = [i \in Server |-> IF i = "n2" THEN 0 ELSE 1]
    /\ votesResponded = [i \in Server |-> {}]
    /\ votesGranted   = [i \in Server |-> {}]
    /\ nextIndex      = [i \in Server |-> [j \in Server |-> 2]]
    /\ matchIndex     = [i \in Server |-> [j \in Server |-> 0]]
    /\ elections      = {[eterm |-> 1, eleader |-> "n1", elog |-> <<>>],
                         [eterm |-> 2, eleader |-> "n2", elog |-> <<Entry(1)>>],
                         [eterm |-> 3, eleader |-> "n1", elog |-> <<Entry(1), Entry(3)>>]}
    /\ allLogs        = {<<>>} \cup {log[i] : i \in Server}
    /\ commits        = {[index |-> 1, entry |-> Entry(1), cterm |-> 1]}

MCBatchedDivergedSpec == DivergedInit /\ [][MCBatchedNext]_vars

=============================================================================
