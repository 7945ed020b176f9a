--------------------------- MODULE RaftReadIndex ---------------------------
(***************************************************************************)
(* Extension: linearizable reads with ReadIndex (Ongaro's dissertation,   *)
(* section 6.4; raftbed's core/reads.ts).                                 *)
(*                                                                         *)
(* A read reaching leader i is served at i's commit index, but only after *)
(* two checks:                                                             *)
(*   1. i has committed an entry of its own term, so its commit index is  *)
(*      at least everything committed before it was elected;              *)
(*   2. a quorum has acknowledged a heartbeat that i sent after taking    *)
(*      the read, so no later leader had been elected when the read came. *)
(* A history of served reads lets TLC check LinearizableRead: the index a *)
(* read is served at covers every write committed before it was asked.    *)
(*                                                                         *)
(* Core sends the heartbeat as an empty AppendEntries tagged with a round *)
(* number; here it is its own message pair (HeartbeatRequest/Response)    *)
(* tagged with the read's number, so the base AppendEntries stays as is.  *)
(* Core serves a read only once the state machine has applied the index;  *)
(* that wait changes nothing about which index is served.                 *)
(***************************************************************************)
EXTENDS Raft

HeartbeatRequest  == "HeartbeatRequest"
HeartbeatResponse == "HeartbeatResponse"

\* readSeq[i]:     how many reads i has taken; the newest one's number.
\* pendingRead[i]: the read leader i is confirming, or NoRead.
\* servedReads:    history: every read served, with its index and the
\*                 highest index committed anywhere when it was taken.
VARIABLES readSeq, pendingRead, servedReads

readVars == <<readSeq, pendingRead, servedReads>>
allVars == <<vars, readVars>>

NoRead == [seq |-> 0, index |-> 0, floor |-> 0, acks |-> {}]

ReadIndexInit ==
    /\ Init
    /\ readSeq     = [i \in Server |-> 0]
    /\ pendingRead = [i \in Server |-> NoRead]
    /\ servedReads = {}

\* Every write committed so far: the highest index any leader has marked
\* committed (every server's commitIndex is at most this).
CommittedSoFar == MaxOf({c.index : c \in commits} \cup {0})

\* Check 1: i's commit point is an entry of its own term.
CommittedInCurrentTerm(i) ==
    /\ commitIndex[i] > 0
    /\ log[i][commitIndex[i]].term = currentTerm[i]

\* Check 2: a quorum has answered the heartbeat for i's pending read.
ReadConfirmed(i) == pendingRead[i].acks \in Quorum

\* A client read reaches leader i: remember the commit index to serve at.
ReadIndex(i) ==
    /\ state[i] = Leader
    /\ pendingRead[i] = NoRead
    /\ CommittedInCurrentTerm(i)
    /\ readSeq'     = [readSeq EXCEPT ![i] = @ + 1]
    /\ pendingRead' = [pendingRead EXCEPT ![i] =
                         [seq   |-> readSeq[i] + 1,
                          index |-> commitIndex[i],
                          floor |-> CommittedSoFar,
                          acks  |-> {i}]]
    /\ UNCHANGED <<vars, servedReads>>

SendHeartbeat(i, j) ==
    /\ state[i] = Leader
    /\ pendingRead[i] /= NoRead
    /\ j \notin pendingRead[i].acks
    /\ Send([mtype   |-> HeartbeatRequest,
             mterm   |-> currentTerm[i],
             mseq    |-> pendingRead[i].seq,
             msource |-> i,
             mdest   |-> j])
    /\ UNCHANGED <<proofVars, serverVars, logVars, candidateVars, leaderVars,
                   readVars>>

\* Answer with our term: equal, it vouches for the sender's leadership;
\* higher, the sender learns it was deposed (via the base UpdateTerm).
\* A newer term in the request is first adopted by the base UpdateTerm.
HandleHeartbeatRequest(i, j, m) ==
    /\ m.mterm <= currentTerm[i]
    /\ Reply([mtype   |-> HeartbeatResponse,
              mterm   |-> currentTerm[i],
              mseq    |-> m.mseq,
              msource |-> i,
              mdest   |-> j], m)
    /\ UNCHANGED <<proofVars, serverVars, logVars, candidateVars, leaderVars,
                   readVars>>

\* Count an answer for the read it was sent for; older answers are ignored.
HandleHeartbeatResponse(i, j, m) ==
    /\ m.mterm = currentTerm[i]
    /\ pendingRead' =
         IF state[i] = Leader /\ pendingRead[i] /= NoRead /\ pendingRead[i].seq = m.mseq
         THEN [pendingRead EXCEPT ![i].acks = @ \cup {j}]
         ELSE pendingRead
    /\ Discard(m)
    /\ UNCHANGED <<proofVars, serverVars, logVars, candidateVars, leaderVars,
                   readSeq, servedReads>>

\* Serve the read at the index it was taken at (core: confirmReads).
ConfirmRead(i) ==
    /\ state[i] = Leader
    /\ pendingRead[i] /= NoRead
    /\ ReadConfirmed(i)
    /\ servedReads' = servedReads \cup
         {[index |-> pendingRead[i].index, floor |-> pendingRead[i].floor]}
    /\ pendingRead' = [pendingRead EXCEPT ![i] = NoRead]
    /\ UNCHANGED <<vars, readSeq>>

ReadReceive(m) ==
    LET i == m.mdest
        j == m.msource
    IN \/ /\ m.mtype = HeartbeatRequest
          /\ HandleHeartbeatRequest(i, j, m)
       \/ /\ m.mtype = HeartbeatResponse
          /\ \/ DropStaleResponse(i, j, m) /\ UNCHANGED readVars
             \/ HandleHeartbeatResponse(i, j, m)

\* A leader's reads die with its leadership: a new term starts with none.
ReadBecomeLeader(i) ==
    /\ BecomeLeader(i)
    /\ pendingRead' = [pendingRead EXCEPT ![i] = NoRead]
    /\ UNCHANGED <<readSeq, servedReads>>

\* The steps this extension adds or changes.
ReadStep ==
    \/ \E i \in Server : ReadIndex(i)
    \/ \E i, j \in Server : SendHeartbeat(i, j)
    \/ \E i \in Server : ConfirmRead(i)
    \/ \E i \in Server : ReadBecomeLeader(i)
    \/ \E m \in DOMAIN messages : ReadReceive(m)

\* The base steps that leave reads alone.
UnchangedBaseStep ==
    /\ \/ \E i \in Server : Timeout(i)
       \/ \E i, j \in Server : RequestVote(i, j)
       \/ ReplicationStep
       \/ ReceiveStep
    /\ UNCHANGED readVars

ReadFaultStep(allowNetworkFaults, allowRestart) ==
    \/ allowNetworkFaults /\ NetworkFaultStep /\ UNCHANGED readVars
    \/ /\ allowRestart
       /\ \E i \in Server :
            /\ Restart(i)
            /\ pendingRead' = [pendingRead EXCEPT ![i] = NoRead]
            /\ UNCHANGED <<readSeq, servedReads>>

ReadIndexNext ==
    /\ \/ ReadStep
       \/ UnchangedBaseStep
       \/ ReadFaultStep(TRUE, TRUE)
    /\ RecordLogs

ReadIndexSpec == ReadIndexInit /\ [][ReadIndexNext]_allVars

\* Every served read reflects every write committed before it was taken.
LinearizableRead == \A r \in servedReads : r.index >= r.floor

=============================================================================
