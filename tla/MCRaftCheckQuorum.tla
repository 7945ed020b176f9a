------------------------- MODULE MCRaftCheckQuorum -------------------------
(* Bounded model of RaftCheckQuorum.tla, reusing MCRaft's bounds.         *)
EXTENDS MCRaft, RaftCheckQuorum

MCCheckQuorumNext ==
    /\ \/ CheckQuorumStep
       \/ UnchangedBaseStep
       \/ CheckQuorumFaultStep(AllowNetworkFaults, AllowRestart)
    /\ RecordLogs

MCCheckQuorumSpec == CheckQuorumInit /\ [][MCCheckQuorumNext]_allVars

\* MCView plus the live parts of this extension's state: what a leader has
\* heard (reset before anyone else reads it) and every lease.
MCCheckQuorumView ==
    <<MCView, [i \in Server |-> IF state[i] = Leader THEN heardFrom[i] ELSE {}],
      leaderLease>>

=============================================================================
