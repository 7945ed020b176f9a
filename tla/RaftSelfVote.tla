---------------------------- MODULE RaftSelfVote ----------------------------
(***************************************************************************)
(* Extension: the candidate votes for itself in the same step as its      *)
(* timeout, as implementations do, instead of sending itself a            *)
(* RequestVote. The base steps remain available, so a trace that mixes    *)
(* both styles still has a matching behaviour.                            *)
(***************************************************************************)
EXTENDS Raft

TimeoutWithSelfVote(i) ==
    /\ state[i] \in {Follower, Candidate}
    /\ state'          = [state EXCEPT ![i] = Candidate]
    /\ currentTerm'    = [currentTerm EXCEPT ![i] = @ + 1]
    /\ votedFor'       = [votedFor EXCEPT ![i] = i]
    /\ votesResponded' = [votesResponded EXCEPT ![i] = {i}]
    /\ votesGranted'   = [votesGranted EXCEPT ![i] = {i}]
    /\ UNCHANGED <<messages, proofVars, logVars, leaderVars>>

SelfVoteStep == \E i \in Server : TimeoutWithSelfVote(i)

SelfVoteNext ==
    /\ \/ SelfVoteStep
       \/ ElectionStep
       \/ ReplicationStep
       \/ ReceiveStep
       \/ FaultStep
    /\ RecordLogs

SelfVoteSpec == Init /\ [][SelfVoteNext]_vars

=============================================================================
