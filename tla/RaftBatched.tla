---------------------------- MODULE RaftBatched ----------------------------
(***************************************************************************)
(* Extension: the coarser replication steps real implementations take.   *)
(*   - A leader sends any number of consecutive entries in one            *)
(*     AppendEntries.                                                      *)
(*   - A follower handles such a request in one step: it adopts a newer   *)
(*     term and yields if campaigning, drops a conflicting suffix, appends *)
(*     what it lacks, advances its commit point (never backwards), and    *)
(*     replies.                                                            *)
(* The base's one-entry steps remain; base handlers only ever see         *)
(* requests with at most one entry, which is all they are written for.   *)
(***************************************************************************)
EXTENDS Raft

\* Leader i sends j the next n entries (n = 0 is a heartbeat).
AppendEntriesBatch(i, j, n) ==
    /\ i /= j
    /\ state[i] = Leader
    /\ nextIndex[i][j] + n - 1 <= Len(log[i])
    /\ Send(AppendEntriesMessage(i, j, SubSeq(log[i], nextIndex[i][j], nextIndex[i][j] + n - 1)))
    /\ UNCHANGED <<proofVars, serverVars, logVars, candidateVars, leaderVars>>

\* The first position (1-based within entries) where lg disagrees with the
\* entries placed after prev, or Len(entries) + 1 if it agrees throughout.
FirstConflict(lg, prev, entries) ==
    LET clashes == {k \in 1..Len(entries) :
                       \/ prev + k > Len(lg)
                       \/ lg[prev + k].term /= entries[k].term}
    IN IF clashes = {} THEN Len(entries) + 1 ELSE MinOf(clashes)

\* lg after accepting entries after prev. Entries already present are kept,
\* and so is anything after them: a stale, shorter request must not erase
\* entries a newer one delivered.
MergeEntries(lg, prev, entries) ==
    LET k == FirstConflict(lg, prev, entries)
    IN IF k > Len(entries) THEN lg
       ELSE SubSeq(lg, 1, prev + k - 1) \o SubSeq(entries, k, Len(entries))

HandleAppendEntriesBatch(i, j, m) ==
    LET term      == MaxOf({m.mterm, currentTerm[i]})
        current   == m.mterm >= currentTerm[i]
        accept    == /\ current
                     /\ PrevLogMatches(i, m)
        lastNew   == m.mprevLogIndex + Len(m.mentries)
        merged    == MergeEntries(log[i], m.mprevLogIndex, m.mentries)
    IN /\ m.mtype = AppendEntriesRequest
       \* A leader never receives a request of its own term (Election Safety).
       /\ ~(state[i] = Leader /\ m.mterm = currentTerm[i])
       /\ currentTerm' = [currentTerm EXCEPT ![i] = term]
       /\ votedFor'    = IF m.mterm > currentTerm[i]
                         THEN [votedFor EXCEPT ![i] = Nil] ELSE votedFor
       /\ state'       = IF current THEN [state EXCEPT ![i] = Follower] ELSE state
       /\ IF accept
          THEN /\ log' = [log EXCEPT ![i] = merged]
               /\ commitIndex' = [commitIndex EXCEPT ![i] =
                                    MaxOf({@, MinOf({m.mcommitIndex, lastNew})})]
          ELSE UNCHANGED logVars
       /\ Reply([mtype       |-> AppendEntriesResponse,
                 mterm       |-> term,
                 msuccess    |-> accept,
                 mmatchIndex |-> IF accept THEN lastNew ELSE 0,
                 msource     |-> i,
                 mdest       |-> j], m)
       /\ UNCHANGED <<proofVars, candidateVars, leaderVars>>

\* Receiving under the batched model: multi-entry requests only through the
\* batched handler; everything else through either.
BatchedReceive(m) ==
    \/ HandleAppendEntriesBatch(m.mdest, m.msource, m)
    \/ /\ ~(m.mtype = AppendEntriesRequest /\ Len(m.mentries) > 1)
       /\ Receive(m)

BatchedStep ==
    \/ \E i, j \in Server : \E n \in 0..Len(log[i]) : AppendEntriesBatch(i, j, n)
    \/ \E m \in DOMAIN messages : BatchedReceive(m)

\* Base steps, with every receive going through BatchedReceive.
BatchedNext ==
    /\ \/ ElectionStep
       \/ ReplicationStep
       \/ BatchedStep
       \/ FaultStep
    /\ RecordLogs

BatchedSpec == Init /\ [][BatchedNext]_vars

=============================================================================
