--------------------------- MODULE MCRaftPreVote ---------------------------
(* Bounded model of RaftPreVote.tla, reusing MCRaft's bounds.             *)
EXTENDS MCRaft, RaftPreVote

MCPreVoteNext ==
    /\ \/ PreVoteStep
       \/ \E i \in Server : BecomeCandidate(i)
       \/ /\ \/ \E i, j \in Server : RequestVote(i, j)
             \/ \E i \in Server : BecomeLeader(i)
             \/ ReplicationStep
             \/ ReceiveStep
             \/ AllowNetworkFaults /\ NetworkFaultStep
             \/ AllowRestart /\ CrashStep
          /\ UNCHANGED preVoteVars
    /\ RecordLogs

MCPreVoteSpec == PreVoteInit /\ [][MCPreVoteNext]_allVars

\* MCView plus the live pre-vote tallies.
MCPreVoteView ==
    <<MCView, [i \in Server |-> IF state[i] = PreCandidate THEN preVotesGranted[i] ELSE {}]>>

=============================================================================
