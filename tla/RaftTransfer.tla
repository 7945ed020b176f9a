---------------------------- MODULE RaftTransfer ----------------------------
(***************************************************************************)
(* Extension: leadership transfer (Ongaro's dissertation, section 3.10;   *)
(* raftbed's core/transfer.ts).                                           *)
(*                                                                         *)
(* A leader hands over to a follower whose log it knows to be as long as  *)
(* its own by sending it a TimeoutNowRequest; the follower campaigns at   *)
(* once, in the next term, exactly as if its election timer had fired.    *)
(* Being up to date makes the target likely to win, but nothing here is   *)
(* trusted for safety: the election is an ordinary one.                   *)
(*                                                                         *)
(* Not modelled: core stops taking proposals while a transfer is pending  *)
(* and gives up after an election timeout. Both only change when a        *)
(* transfer succeeds; leaving them out lets the leader append after the   *)
(* TimeoutNow is sent, a superset of core's behaviours.                   *)
(***************************************************************************)
EXTENDS Raft

TimeoutNowRequest == "TimeoutNowRequest"

\* Leader i asks j to take over once j's log is known to match its own.
TransferLeadership(i, j) ==
    /\ state[i] = Leader
    /\ i /= j
    /\ matchIndex[i][j] = Len(log[i])
    /\ Send([mtype   |-> TimeoutNowRequest,
             mterm   |-> currentTerm[i],
             msource |-> i,
             mdest   |-> j])
    /\ UNCHANGED <<proofVars, serverVars, logVars, candidateVars, leaderVars>>

\* A follower of the sender's term campaigns now (the effect of Timeout);
\* anyone else, e.g. a server that has moved on to a later term, drops it.
\* A newer term in the request is first adopted by the base UpdateTerm.
HandleTimeoutNowRequest(i, j, m) ==
    /\ m.mterm <= currentTerm[i]
    /\ IF m.mterm = currentTerm[i] /\ state[i] = Follower
       THEN /\ state'          = [state EXCEPT ![i] = Candidate]
            /\ currentTerm'    = [currentTerm EXCEPT ![i] = @ + 1]
            /\ votedFor'       = [votedFor EXCEPT ![i] = Nil]
            /\ votesResponded' = [votesResponded EXCEPT ![i] = {}]
            /\ votesGranted'   = [votesGranted EXCEPT ![i] = {}]
       ELSE UNCHANGED <<serverVars, candidateVars>>
    /\ Discard(m)
    /\ UNCHANGED <<proofVars, logVars, leaderVars>>

\* The steps this extension adds.
TransferStep ==
    \/ \E i, j \in Server : TransferLeadership(i, j)
    \/ \E m \in DOMAIN messages :
         /\ m.mtype = TimeoutNowRequest
         /\ HandleTimeoutNowRequest(m.mdest, m.msource, m)

TransferNext ==
    /\ \/ TransferStep
       \/ ElectionStep
       \/ ReplicationStep
       \/ ReceiveStep
       \/ FaultStep
    /\ RecordLogs

TransferSpec == Init /\ [][TransferNext]_vars

=============================================================================
