-------------------------- MODULE RaftCheckQuorum --------------------------
(***************************************************************************)
(* Extension: CheckQuorum and leader stickiness (Ongaro's dissertation,   *)
(* section 9.6; raftbed's core/step.ts `checkQuorum`).                    *)
(*                                                                         *)
(* CheckQuorum: a leader notes which peers have answered its              *)
(* AppendEntries in its current term. Once per election timeout it looks *)
(* at that set: if the peers it heard from, plus itself, are not a        *)
(* quorum, it steps down to follower (same term); otherwise it forgets    *)
(* the set and starts counting again.                                     *)
(*                                                                         *)
(* Leader stickiness (optional, LeaderStickiness = TRUE): a server that   *)
(* believes a leader is alive ignores vote requests from higher terms. A  *)
(* leader always believes so; a follower does from the moment it hears   *)
(* an AppendEntries of its term until its election timer runs out         *)
(* (LeaseExpires), and its own timeout cannot fire before that.           *)
(* Ignoring a request only removes behaviours, so safety must survive it; *)
(* TLC checks that it does.                                               *)
(***************************************************************************)
EXTENDS Raft

CONSTANT LeaderStickiness   \* TRUE: followers and leaders ignore disruptive votes

\* heardFrom[i]: peers that answered leader i in its term since its last check.
\* leaderLease[i]: follower i heard from its term's leader within an election timeout.
VARIABLES heardFrom, leaderLease

checkQuorumVars == <<heardFrom, leaderLease>>
allVars == <<vars, checkQuorumVars>>

CheckQuorumInit ==
    /\ Init
    /\ heardFrom   = [i \in Server |-> {}]
    /\ leaderLease = [i \in Server |-> FALSE]

\* Does i currently think a leader (possibly itself) is alive?
InLease(i) == LeaderStickiness /\ (state[i] = Leader \/ leaderLease[i])

\* The check, run by the leader's clock once per election timeout.
CheckQuorum(i) ==
    /\ state[i] = Leader
    /\ heardFrom' = [heardFrom EXCEPT ![i] = {}]
    /\ IF ({i} \cup heardFrom[i]) \in Quorum
       THEN UNCHANGED state
       ELSE state' = [state EXCEPT ![i] = Follower]   \* CheckQuorumStepDown
    /\ UNCHANGED <<messages, proofVars, currentTerm, votedFor, logVars,
                   candidateVars, leaderVars, leaderLease>>

\* A follower's election timer runs past the last word from its leader.
LeaseExpires(i) ==
    /\ leaderLease[i]
    /\ leaderLease' = [leaderLease EXCEPT ![i] = FALSE]
    /\ UNCHANGED <<vars, heardFrom>>

\* What handling m tells its receiver about who is alive. Only the handler
\* steps of the same term count (UpdateTerm and stale drops never match).
HeardAfter(m) ==
    LET i == m.mdest
    IN IF /\ m.mtype = AppendEntriesResponse
          /\ m.mterm = currentTerm[i]
          /\ state[i] = Leader
       THEN [heardFrom EXCEPT ![i] = @ \cup {m.msource}]
       ELSE heardFrom

LeaseAfter(m) ==
    LET i == m.mdest
    IN IF m.mtype = AppendEntriesRequest /\ m.mterm = currentTerm[i]
       THEN [leaderLease EXCEPT ![i] = TRUE]
       ELSE leaderLease

\* A vote request from a higher term reaching a server that believes in a
\* live leader: dropped, so the term does not move either.
IgnoreVoteUnderLease(i, m) ==
    /\ m.mtype = RequestVoteRequest
    /\ m.mterm > currentTerm[i]
    /\ InLease(i)
    /\ Discard(m)
    /\ UNCHANGED <<proofVars, serverVars, logVars, candidateVars, leaderVars,
                   checkQuorumVars>>

CheckQuorumReceive(m) ==
    LET i == m.mdest
    IN IF m.mtype = RequestVoteRequest /\ m.mterm > currentTerm[i] /\ InLease(i)
       THEN IgnoreVoteUnderLease(i, m)
       ELSE /\ Receive(m)
            /\ heardFrom'   = HeardAfter(m)
            /\ leaderLease' = LeaseAfter(m)

\* A new leader starts counting from nobody.
CheckQuorumBecomeLeader(i) ==
    /\ BecomeLeader(i)
    /\ heardFrom' = [heardFrom EXCEPT ![i] = {}]
    /\ UNCHANGED leaderLease

\* The election timer fires only once the lease has run out.
CheckQuorumTimeout(i) ==
    /\ ~leaderLease[i]
    /\ Timeout(i)
    /\ UNCHANGED checkQuorumVars

\* The steps this extension adds or changes.
CheckQuorumStep ==
    \/ \E i \in Server : CheckQuorum(i)
    \/ \E i \in Server : LeaseExpires(i)
    \/ \E i \in Server : CheckQuorumBecomeLeader(i)
    \/ \E i \in Server : CheckQuorumTimeout(i)
    \/ \E m \in DOMAIN messages : CheckQuorumReceive(m)

\* The base steps this extension leaves as they are.
UnchangedBaseStep ==
    /\ \/ \E i, j \in Server : RequestVote(i, j)
       \/ ReplicationStep
    /\ UNCHANGED checkQuorumVars

\* Faults: a restarted server has no lease; a dropped or duplicated
\* message teaches nobody anything.
CheckQuorumFaultStep(allowNetworkFaults, allowRestart) ==
    \/ /\ allowNetworkFaults
       /\ NetworkFaultStep
       /\ UNCHANGED checkQuorumVars
    \/ /\ allowRestart
       /\ \E i \in Server :
            /\ Restart(i)
            /\ leaderLease' = [leaderLease EXCEPT ![i] = FALSE]
            /\ UNCHANGED heardFrom

CheckQuorumNext ==
    /\ \/ CheckQuorumStep
       \/ UnchangedBaseStep
       \/ CheckQuorumFaultStep(TRUE, TRUE)
    /\ RecordLogs

CheckQuorumSpec == CheckQuorumInit /\ [][CheckQuorumNext]_allVars

\* The evidence CheckQuorum counts is real: every peer a leader heard from
\* had reached the leader's term (terms never go back, so it still has).
HeardFromCurrentTerm ==
    \A i \in Server :
        state[i] = Leader => \A j \in heardFrom[i] : currentTerm[j] >= currentTerm[i]

=============================================================================
