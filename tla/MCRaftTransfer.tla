--------------------------- MODULE MCRaftTransfer ---------------------------
(* Bounded model of RaftTransfer.tla, reusing MCRaft's bounds and view.   *)
EXTENDS MCRaft, RaftTransfer

MCTransferNext ==
    /\ \/ TransferStep
       \/ ElectionStep
       \/ ReplicationStep
       \/ ReceiveStep
       \/ AllowNetworkFaults /\ NetworkFaultStep
       \/ AllowRestart /\ CrashStep
    /\ RecordLogs

MCTransferSpec == Init /\ [][MCTransferNext]_vars

=============================================================================
