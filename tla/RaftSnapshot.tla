---------------------------- MODULE RaftSnapshot ----------------------------
(***************************************************************************)
(* Extension: log compaction and InstallSnapshot (Ongaro's dissertation,  *)
(* chapter 5; raftbed's core/snapshot.ts).                                *)
(*                                                                         *)
(* Modelling choice: every server keeps its whole log in `log`, so the    *)
(* history variables and the base invariants keep their meaning, and      *)
(* snapshotIndex[i] marks how much of it is compacted. Compacted entries  *)
(* are treated as gone wherever it matters:                               *)
(*   - a leader cannot send them in AppendEntries; a follower whose       *)
(*     nextIndex is at or below the leader's snapshotIndex gets an        *)
(*     InstallSnapshotRequest instead, carrying the compacted prefix;     *)
(*   - the action property SnapshotPrefixStable checks that no step ever  *)
(*     rewrites or truncates a compacted entry (in the implementation     *)
(*     they no longer exist, so a step that needed to would be a bug).    *)
(*                                                                         *)
(* The snapshot is sent whole; core streams it in chunks and installs on *)
(* the last one, which is the same state change. A transfer is the one    *)
(* message sent when it starts: core's leader pins that snapshot and      *)
(* finishes streaming it even after compacting again (core/snapshot.ts),  *)
(* just as this message stays in the network, unchanged, while its sender *)
(* takes newer snapshots. A follower whose transfer is abandoned (it lost *)
(* the chunks it held) is sent a new message, of the newest snapshot.     *)
(***************************************************************************)
EXTENDS Raft

InstallSnapshotRequest  == "InstallSnapshotRequest"
InstallSnapshotResponse == "InstallSnapshotResponse"

\* Entries 1..snapshotIndex[i] of log[i] are compacted into i's snapshot.
VARIABLE snapshotIndex

snapshotVars == <<snapshotIndex>>
allVars == <<vars, snapshotVars>>

SnapshotInit == Init /\ snapshotIndex = [i \in Server |-> 0]

\* The application snapshots a prefix it has applied, i.e. one it knows is
\* committed, and the log drops it.
CompactLog(i) ==
    /\ \E k \in (snapshotIndex[i] + 1)..commitIndex[i] :
         snapshotIndex' = [snapshotIndex EXCEPT ![i] = k]
    /\ UNCHANGED vars

\* AppendEntries needs the entry before nextIndex, so it works only above
\* the snapshot (the snapshot's last entry itself is still known by term).
AppendEntriesAboveSnapshot(i, j) ==
    /\ nextIndex[i][j] > snapshotIndex[i]
    /\ AppendEntries(i, j)

\* The follower needs entries the leader has compacted: send the snapshot.
SendSnapshot(i, j) ==
    /\ i /= j
    /\ state[i] = Leader
    /\ nextIndex[i][j] <= snapshotIndex[i]
    /\ Send([mtype      |-> InstallSnapshotRequest,
             mterm      |-> currentTerm[i],
             mlastIndex |-> snapshotIndex[i],
             mlastTerm  |-> log[i][snapshotIndex[i]].term,
             mentries   |-> SubSeq(log[i], 1, snapshotIndex[i]),
             msource    |-> i,
             mdest      |-> j])
    /\ UNCHANGED <<proofVars, serverVars, logVars, candidateVars, leaderVars,
                   snapshotVars>>

InstallSnapshotReply(i, j, m, success, matched) ==
    Reply([mtype       |-> InstallSnapshotResponse,
           mterm       |-> currentTerm[i],
           msuccess    |-> success,
           mmatchIndex |-> matched,
           msource     |-> i,
           mdest       |-> j], m)

\* i's log once m's snapshot is installed: the snapshot, followed by i's own
\* entries after it only if i's log agrees with the snapshot's last entry
\* (then, by Log Matching, it agrees on the whole prefix too).
LogAfterSnapshot(i, m) ==
    IF /\ Len(log[i]) >= m.mlastIndex
       /\ log[i][m.mlastIndex].term = m.mlastTerm
    THEN m.mentries \o SubSeq(log[i], m.mlastIndex + 1, Len(log[i]))
    ELSE m.mentries

\* A follower installs a snapshot that goes past what it knows is committed.
InstallSnapshot(i, j, m) ==
    /\ m.mlastIndex > MaxOf({commitIndex[i], snapshotIndex[i]})
    /\ log'           = [log EXCEPT ![i] = LogAfterSnapshot(i, m)]
    /\ snapshotIndex' = [snapshotIndex EXCEPT ![i] = m.mlastIndex]
    /\ commitIndex'   = [commitIndex EXCEPT ![i] = m.mlastIndex]

HandleInstallSnapshotRequest(i, j, m) ==
    /\ m.mterm <= currentTerm[i]
    /\ \/ /\ m.mterm < currentTerm[i]    \* from a deposed leader: tell it our term
          /\ InstallSnapshotReply(i, j, m, FALSE, 0)
          /\ UNCHANGED <<serverVars, logVars, snapshotVars>>
       \/ /\ YieldToLeader(i, m)
          /\ UNCHANGED snapshotVars
       \/ /\ m.mterm = currentTerm[i]
          /\ state[i] = Follower
          /\ IF m.mlastIndex <= MaxOf({commitIndex[i], snapshotIndex[i]})
             THEN UNCHANGED <<logVars, snapshotVars>>   \* nothing new in it
             ELSE InstallSnapshot(i, j, m)
          /\ InstallSnapshotReply(i, j, m, TRUE, m.mlastIndex)
          /\ UNCHANGED serverVars
    /\ UNCHANGED <<proofVars, candidateVars, leaderVars>>

\* The follower holds the prefix through mmatchIndex; never move backwards.
HandleInstallSnapshotResponse(i, j, m) ==
    /\ m.mterm = currentTerm[i]
    /\ IF m.msuccess
       THEN LET matched == MaxOf({matchIndex[i][j], m.mmatchIndex})
            IN /\ matchIndex' = [matchIndex EXCEPT ![i][j] = matched]
               /\ nextIndex'  = [nextIndex EXCEPT ![i][j] = matched + 1]
       ELSE UNCHANGED leaderVars
    /\ Discard(m)
    /\ UNCHANGED <<proofVars, serverVars, logVars, candidateVars, snapshotVars>>

\* Newer terms in these messages are adopted by the base UpdateTerm, which
\* ReceiveStep already offers for every message type.
SnapshotReceive(m) ==
    LET i == m.mdest
        j == m.msource
    IN \/ /\ m.mtype = InstallSnapshotRequest
          /\ HandleInstallSnapshotRequest(i, j, m)
       \/ /\ m.mtype = InstallSnapshotResponse
          /\ \/ DropStaleResponse(i, j, m)
             \/ HandleInstallSnapshotResponse(i, j, m)
          /\ UNCHANGED snapshotVars

\* A restarted server recovers its snapshot, so it knows that much is
\* committed (the base Restart, with that one difference).
RestartWithSnapshot(i) ==
    /\ state'          = [state EXCEPT ![i] = Follower]
    /\ votesResponded' = [votesResponded EXCEPT ![i] = {}]
    /\ votesGranted'   = [votesGranted EXCEPT ![i] = {}]
    /\ nextIndex'      = [nextIndex EXCEPT ![i] = [j \in Server |-> 1]]
    /\ matchIndex'     = [matchIndex EXCEPT ![i] = [j \in Server |-> 0]]
    /\ commitIndex'    = [commitIndex EXCEPT ![i] = snapshotIndex[i]]
    /\ UNCHANGED <<messages, proofVars, currentTerm, votedFor, log, snapshotVars>>

\* The steps this extension adds.
SnapshotStep ==
    \/ \E i \in Server : CompactLog(i)
    \/ \E i, j \in Server : SendSnapshot(i, j)
    \/ \E m \in DOMAIN messages : SnapshotReceive(m)

\* The base steps, with AppendEntries kept above the snapshot.
BaseStepAboveSnapshot ==
    /\ \/ ElectionStep
       \/ \E i \in Server, v \in Value : ClientRequest(i, v)
       \/ \E i \in Server : AdvanceCommitIndex(i)
       \/ \E i, j \in Server : AppendEntriesAboveSnapshot(i, j)
       \/ ReceiveStep
    /\ UNCHANGED snapshotVars

SnapshotFaultStep(allowNetworkFaults, allowRestart) ==
    \/ allowNetworkFaults /\ NetworkFaultStep /\ UNCHANGED snapshotVars
    \/ allowRestart /\ \E i \in Server : RestartWithSnapshot(i)

SnapshotNext ==
    /\ \/ SnapshotStep
       \/ BaseStepAboveSnapshot
       \/ SnapshotFaultStep(TRUE, TRUE)
    /\ RecordLogs

SnapshotSpec == SnapshotInit /\ [][SnapshotNext]_allVars

----------------------------------------------------------------------------
(* Properties of this extension (the base invariants apply unchanged).     *)

\* Every compacted entry is one some leader decided was committed.
SnapshotOnlyCommitted ==
    \A i \in Server : \A k \in 1..snapshotIndex[i] :
        \E c \in commits : c.index = k /\ c.entry = log[i][k]

\* The compacted prefix is still inside the log we keep for the history.
SnapshotWithinLog == \A i \in Server : snapshotIndex[i] <= Len(log[i])

\* Action property: no step rewrites or removes a compacted entry.
SnapshotPrefixStableStep ==
    \A i \in Server :
        /\ Len(log'[i]) >= snapshotIndex[i]
        /\ SubSeq(log'[i], 1, snapshotIndex[i]) = SubSeq(log[i], 1, snapshotIndex[i])
SnapshotPrefixStable == [][SnapshotPrefixStableStep]_allVars

=============================================================================
