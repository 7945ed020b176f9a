--------------------------- MODULE MCRaftSelfVote ---------------------------
(* Bounded model of RaftSelfVote.tla, reusing MCRaft's bounds and view.   *)
EXTENDS MCRaft, RaftSelfVote

MCSelfVoteNext ==
    /\ \/ SelfVoteStep
       \/ ElectionStep
       \/ ReplicationStep
       \/ ReceiveStep
       \/ AllowNetworkFaults /\ NetworkFaultStep
       \/ AllowRestart /\ CrashStep
    /\ RecordLogs

MCSelfVoteSpec == Init /\ [][MCSelfVoteNext]_vars

=============================================================================
