-------------------------- MODULE MCRaftReadIndex --------------------------
(* Bounded model of RaftReadIndex.tla, reusing MCRaft's bounds.           *)
EXTENDS MCRaft, RaftReadIndex

CONSTANT MaxReads   \* no server takes more reads than this

ReadBound ==
    /\ StateBound
    /\ \A i \in Server : readSeq[i] <= MaxReads

MCReadIndexNext ==
    /\ \/ ReadStep
       \/ UnchangedBaseStep
       \/ ReadFaultStep(AllowNetworkFaults, AllowRestart)
    /\ RecordLogs

E(t) == [term |-> t, value |-> "v1"]

\* A directed start with two leaders, where a read can go wrong both ways:
\*   n1 led term 2 and committed E(2) with n2; it has not heard of term 3
\*   and still believes it leads.
\*   n3 won term 3 with n2's vote; it holds E(2) but does not know it is
\*   committed, and has committed nothing of its own term yet.
\* A read at n1 may miss what n3 commits next; a read at n3 taken now would
\* be served at 0 and miss E(2). The checks in RaftReadIndex stop both.
TwoLeadersInit ==
    /\ messages       = EmptyBag
    /\ currentTerm    = ("n1" :> 2 @@ "n2" :> 3 @@ "n3" :> 3)
    /\ state          = ("n1" :> Leader @@ "n2" :> Follower @@ "n3" :> Leader)
    /\ votedFor       = ("n1" :> "n1" @@ "n2" :> "n3" @@ "n3" :> "n3")
    /\ log            = [i \in Server |-> <<E(2)>>]
    /\ commitIndex    = ("n1" :> 1 @@ "n2" :> 1 @@ "n3" :> 0)
    /\ votesResponded = ("n1" :> {} @@ "n2" :> {} @@ "n3" :> {"n2", "n3"})
    /\ votesGranted   = ("n1" :> {} @@ "n2" :> {} @@ "n3" :> {"n2", "n3"})
    /\ nextIndex      = [i \in Server |-> [j \in Server |-> 2]]
    /\ matchIndex     = [i \in Server |-> [j \in Server |->
                           IF i = "n1" /\ j = "n2" THEN 1 ELSE 0]]
    /\ elections      = {[eterm |-> 2, eleader |-> "n1", elog |-> <<>>],
                         [eterm |-> 3, eleader |-> "n3", elog |-> <<E(2)>>]}
    /\ allLogs        = {<<>>, <<E(2)>>}
    /\ commits        = {[index |-> 1, entry |-> E(2), cterm |-> 2]}
    /\ readSeq        = [i \in Server |-> 0]
    /\ pendingRead    = [i \in Server |-> NoRead]
    /\ servedReads    = {}

MCReadIndexSpec == TwoLeadersInit /\ [][MCReadIndexNext]_allVars

\* MCView plus the reads; a pending read is dead once its server leads no more.
MCReadIndexView ==
    <<MCView, readSeq, servedReads,
      [i \in Server |-> IF state[i] = Leader THEN pendingRead[i] ELSE NoRead]>>

=============================================================================
