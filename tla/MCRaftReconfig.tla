-------------------------- MODULE MCRaftReconfig --------------------------
(***************************************************************************)
(* Bounded model of RaftReconfig.tla, reusing MCRaft's bounds and view.   *)
(* n3 starts outside the cluster of n1 and n2; the changes on offer add  *)
(* it as a learner or a voter, remove n1 (often the leader, so the       *)
(* leader removes itself), and swap n1 for n3 through a joint            *)
(* configuration.                                                         *)
(***************************************************************************)
EXTENDS MCRaft, RaftReconfig

CONSTANT MaxConfigEntries   \* no log holds more configuration entries

Change(kind, node) == [kind |-> kind, node |-> node]

MCChanges ==
    { <<Change(AddLearner, "n3")>>,
      <<Change(AddVoter, "n3")>>,
      <<Change(RemoveNode, "n1")>>,
      <<Change(AddVoter, "n3"), Change(RemoveNode, "n1")>> }

MCInitConfig == [voters |-> {"n1", "n2"}, outgoing |-> {}, learners |-> {}]

ReconfigBound ==
    /\ StateBound
    /\ \A i \in Server : Cardinality(ConfigIndexes(log[i])) <= MaxConfigEntries

MCReconfigNext ==
    /\ \/ ReconfigStep(MCChanges, {FALSE})
       \/ ReconfigElectionStep
       \/ ReconfigReplicationStep
       \/ ReceiveStep
       \/ AllowNetworkFaults /\ NetworkFaultStep
       \/ AllowRestart /\ CrashStep
    /\ RecordLogs

MCReconfigSpec == Init /\ [][MCReconfigNext]_vars

=============================================================================
