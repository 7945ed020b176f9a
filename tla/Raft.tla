-------------------------------- MODULE Raft --------------------------------
(***************************************************************************)
(* raftbed's specification of the Raft consensus algorithm.               *)
(*                                                                         *)
(* It follows the shape of Diego Ongaro's raft.tla (same state variables, *)
(* same atomic actions, same history variables) so that traces and        *)
(* arguments about one carry over to the other, but it is written for     *)
(* raftbed:                                                                *)
(*   - node ids, roles and message types are strings, which is the        *)
(*     vocabulary of our implementation and of its traces;                *)
(*   - the proof-only message fields (mlog) and voterLog are left out,    *)
(*     because no invariant we check reads them and they multiply states; *)
(*   - a third history variable, `commits`, remembers every commit        *)
(*     decision so Leader Completeness can be checked as a state          *)
(*     invariant (see RaftInvariants.tla);                                 *)
(*   - the small actions are grouped so that extension modules and        *)
(*     mutants can reuse everything except the one part they change.      *)
(*                                                                         *)
(* Steps are deliberately small (one entry per AppendEntries, one entry   *)
(* truncated per step, UpdateTerm as its own step): every real            *)
(* implementation step is a sequence of these. RaftBatched.tla adds the   *)
(* coarser steps that implementations actually take.                      *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets, Sequences, TLC

CONSTANTS
    Server,   \* set of node ids, e.g. {"n1", "n2", "n3"}
    Value     \* set of client commands that may enter the log

----------------------------------------------------------------------------
(* Vocabulary shared with the implementation and its traces.              *)

Follower     == "Follower"
Candidate    == "Candidate"
Leader       == "Leader"
PreCandidate == "PreCandidate"   \* only reachable in RaftPreVote.tla

RequestVoteRequest    == "RequestVoteRequest"
RequestVoteResponse   == "RequestVoteResponse"
AppendEntriesRequest  == "AppendEntriesRequest"
AppendEntriesResponse == "AppendEntriesResponse"

\* Marks "no vote cast in this term".
Nil == "nil"

\* Roles that are campaigning and must yield to a leader of their term.
Campaigning == {Candidate, PreCandidate}

\* Message types that must never move a receiver's term (PreVote probes a
\* future term without claiming it). Declared here so the base UpdateTerm
\* already respects extensions that introduce them.
TermNeutralTypes == {"PreVoteRequest", "PreVoteResponse"}

----------------------------------------------------------------------------
(* State.                                                                  *)

\* The network: a bag of messages, i.e. a function from message records to
\* a positive number of copies in flight.
VARIABLE messages

\* History (never read by the algorithm, only by invariants):
\*   elections: one record per won election: term, leader, leader's log then.
\*   allLogs:   every log any server has ever held.
\*   commits:   one record per entry a leader marked committed, with the
\*              leader's term at that moment (cterm).
VARIABLES elections, allLogs, commits

\* Per-server persistent state.
VARIABLES currentTerm, state, votedFor
\* Per-server log and commit point (commitIndex is volatile in Raft).
VARIABLES log, commitIndex
\* Candidate bookkeeping for the current term.
VARIABLES votesResponded, votesGranted
\* Leader bookkeeping for the current term.
VARIABLES nextIndex, matchIndex

serverVars    == <<currentTerm, state, votedFor>>
logVars       == <<log, commitIndex>>
candidateVars == <<votesResponded, votesGranted>>
leaderVars    == <<nextIndex, matchIndex>>
\* allLogs is maintained by RecordLogs alone, so actions leave only these alone.
proofVars     == <<elections, commits>>
vars == <<messages, allLogs, proofVars, serverVars, logVars, candidateVars, leaderVars>>

----------------------------------------------------------------------------
(* Helpers.                                                                *)

\* Majorities: the property that matters is that any two intersect.
Quorum == {q \in SUBSET Server : 2 * Cardinality(q) > Cardinality(Server)}

LastTerm(lg) == IF lg = <<>> THEN 0 ELSE lg[Len(lg)].term

\* Raft's election restriction: a log at least as up to date as ours.
UpToDate(lastTerm, lastIndex, lg) ==
    \/ lastTerm > LastTerm(lg)
    \/ /\ lastTerm = LastTerm(lg)
       /\ lastIndex >= Len(lg)

MinOf(s) == CHOOSE x \in s : \A y \in s : x <= y
MaxOf(s) == CHOOSE x \in s : \A y \in s : x >= y

\* Bag arithmetic on the network.
EmptyBag == [m \in {} |-> 0]
BagPut(bag, m) ==
    IF m \in DOMAIN bag THEN [bag EXCEPT ![m] = @ + 1] ELSE bag @@ (m :> 1)
BagTake(bag, m) ==
    IF m \notin DOMAIN bag THEN bag
    ELSE IF bag[m] = 1 THEN [x \in DOMAIN bag \ {m} |-> bag[x]]
    ELSE [bag EXCEPT ![m] = @ - 1]

Send(m)         == messages' = BagPut(messages, m)
Discard(m)      == messages' = BagTake(messages, m)
Reply(resp, req) == messages' = BagTake(BagPut(messages, resp), req)

----------------------------------------------------------------------------
(* Initial state.                                                          *)

Init ==
    /\ messages       = EmptyBag
    /\ elections      = {}
    /\ allLogs        = {<<>>}
    /\ commits        = {}
    /\ currentTerm    = [i \in Server |-> 1]
    /\ state          = [i \in Server |-> Follower]
    /\ votedFor       = [i \in Server |-> Nil]
    /\ log            = [i \in Server |-> <<>>]
    /\ commitIndex    = [i \in Server |-> 0]
    /\ votesResponded = [i \in Server |-> {}]
    /\ votesGranted   = [i \in Server |-> {}]
    \* A leader's entries for itself are kept but never read.
    /\ nextIndex      = [i \in Server |-> [j \in Server |-> 1]]
    /\ matchIndex     = [i \in Server |-> [j \in Server |-> 0]]

----------------------------------------------------------------------------
(* Server-local actions.                                                   *)

\* Crash and recover: only currentTerm, votedFor and log survive.
Restart(i) ==
    /\ state'          = [state EXCEPT ![i] = Follower]
    /\ votesResponded' = [votesResponded EXCEPT ![i] = {}]
    /\ votesGranted'   = [votesGranted EXCEPT ![i] = {}]
    /\ nextIndex'      = [nextIndex EXCEPT ![i] = [j \in Server |-> 1]]
    /\ matchIndex'     = [matchIndex EXCEPT ![i] = [j \in Server |-> 0]]
    /\ commitIndex'    = [commitIndex EXCEPT ![i] = 0]
    /\ UNCHANGED <<messages, proofVars, currentTerm, votedFor, log>>

\* Election timeout: start campaigning in the next term. The candidate does
\* not vote for itself here; it sends itself a RequestVote like any other
\* server (RaftSelfVote.tla models the atomic self-vote instead).
Timeout(i) ==
    /\ state[i] \in {Follower, Candidate}
    /\ state'          = [state EXCEPT ![i] = Candidate]
    /\ currentTerm'    = [currentTerm EXCEPT ![i] = @ + 1]
    /\ votedFor'       = [votedFor EXCEPT ![i] = Nil]
    /\ votesResponded' = [votesResponded EXCEPT ![i] = {}]
    /\ votesGranted'   = [votesGranted EXCEPT ![i] = {}]
    /\ UNCHANGED <<messages, proofVars, logVars, leaderVars>>

RequestVote(i, j) ==
    /\ state[i] = Candidate
    /\ j \notin votesResponded[i]
    /\ Send([mtype         |-> RequestVoteRequest,
             mterm         |-> currentTerm[i],
             mlastLogTerm  |-> LastTerm(log[i]),
             mlastLogIndex |-> Len(log[i]),
             msource       |-> i,
             mdest         |-> j])
    /\ UNCHANGED <<proofVars, serverVars, logVars, candidateVars, leaderVars>>

\* The message a leader i sends to j: at most one entry, starting at
\* nextIndex. Shared with mutants and extensions so they build the same
\* record.
AppendEntriesMessage(i, j, entries) ==
    LET prevIndex == nextIndex[i][j] - 1
        prevTerm  == IF prevIndex > 0 THEN log[i][prevIndex].term ELSE 0
    IN [mtype         |-> AppendEntriesRequest,
        mterm         |-> currentTerm[i],
        mprevLogIndex |-> prevIndex,
        mprevLogTerm  |-> prevTerm,
        mentries      |-> entries,
        \* Never tell a follower more is committed than what it will hold.
        mcommitIndex  |-> MinOf({commitIndex[i], prevIndex + Len(entries)}),
        msource       |-> i,
        mdest         |-> j]

AppendEntries(i, j) ==
    /\ i /= j
    /\ state[i] = Leader
    /\ LET last == MinOf({Len(log[i]), nextIndex[i][j]})
       IN Send(AppendEntriesMessage(i, j, SubSeq(log[i], nextIndex[i][j], last)))
    /\ UNCHANGED <<proofVars, serverVars, logVars, candidateVars, leaderVars>>

BecomeLeader(i) ==
    /\ state[i] = Candidate
    /\ votesGranted[i] \in Quorum
    /\ state'      = [state EXCEPT ![i] = Leader]
    /\ nextIndex'  = [nextIndex EXCEPT ![i] = [j \in Server |-> Len(log[i]) + 1]]
    /\ matchIndex' = [matchIndex EXCEPT ![i] = [j \in Server |-> 0]]
    /\ elections'  = elections \cup
                       {[eterm |-> currentTerm[i], eleader |-> i, elog |-> log[i]]}
    /\ UNCHANGED <<messages, commits, currentTerm, votedFor,
                   logVars, candidateVars>>

ClientRequest(i, v) ==
    /\ state[i] = Leader
    /\ log' = [log EXCEPT ![i] = Append(@, [term |-> currentTerm[i], value |-> v])]
    /\ UNCHANGED <<messages, proofVars, serverVars, commitIndex,
                   candidateVars, leaderVars>>

\* The indexes a quorum of servers (the leader included) holds.
ReplicatedOnQuorum(i) ==
    {k \in 1..Len(log[i]) :
        ({i} \cup {j \in Server : matchIndex[i][j] >= k}) \in Quorum}

\* Move leader i's commit point to newCommit, recording the decision.
CommitUpTo(i, newCommit) ==
    /\ commitIndex' = [commitIndex EXCEPT ![i] = newCommit]
    /\ commits' = commits \cup
         {[index |-> k, entry |-> log[i][k], cterm |-> currentTerm[i]] :
             k \in (commitIndex[i] + 1)..newCommit}

\* A leader commits only by counting replicas of an entry of its own term
\* (Raft section 5.4.2); earlier entries become committed with it.
AdvanceCommitIndex(i) ==
    /\ state[i] = Leader
    /\ LET replicated == ReplicatedOnQuorum(i)
           newCommit  == IF /\ replicated /= {}
                            /\ log[i][MaxOf(replicated)].term = currentTerm[i]
                         THEN MaxOf(replicated)
                         ELSE commitIndex[i]
       IN /\ newCommit > commitIndex[i]
          /\ CommitUpTo(i, newCommit)
    /\ UNCHANGED <<messages, elections, serverVars, log,
                   candidateVars, leaderVars>>

----------------------------------------------------------------------------
(* Message handlers: i receives m from j.                                  *)

HandleRequestVoteRequest(i, j, m) ==
    LET grant == /\ m.mterm = currentTerm[i]
                 /\ UpToDate(m.mlastLogTerm, m.mlastLogIndex, log[i])
                 /\ votedFor[i] \in {Nil, j}
    IN /\ m.mterm <= currentTerm[i]
       /\ votedFor' = IF grant THEN [votedFor EXCEPT ![i] = j] ELSE votedFor
       /\ Reply([mtype        |-> RequestVoteResponse,
                 mterm        |-> currentTerm[i],
                 mvoteGranted |-> grant,
                 msource      |-> i,
                 mdest        |-> j], m)
       /\ UNCHANGED <<proofVars, currentTerm, state, logVars,
                      candidateVars, leaderVars>>

\* Votes are tallied in any role; only a Candidate ever reads the tally.
HandleRequestVoteResponse(i, j, m) ==
    /\ m.mterm = currentTerm[i]
    /\ votesResponded' = [votesResponded EXCEPT ![i] = @ \cup {j}]
    /\ votesGranted'   = IF m.mvoteGranted
                         THEN [votesGranted EXCEPT ![i] = @ \cup {j}]
                         ELSE votesGranted
    /\ Discard(m)
    /\ UNCHANGED <<proofVars, serverVars, logVars, leaderVars>>

\* Does i's log contain the entry m's new entries must follow? (IF, not a
\* disjunction: inside an action TLC explores every disjunct, so a guard in
\* one disjunct would not protect the index in the other.)
PrevLogMatches(i, m) ==
    IF m.mprevLogIndex = 0 THEN TRUE
    ELSE /\ m.mprevLogIndex <= Len(log[i])
         /\ log[i][m.mprevLogIndex].term = m.mprevLogTerm

AppendEntriesReply(i, j, m, success, matched) ==
    Reply([mtype       |-> AppendEntriesResponse,
           mterm       |-> currentTerm[i],
           msuccess    |-> success,
           mmatchIndex |-> matched,
           msource     |-> i,
           mdest       |-> j], m)

RejectAppendEntries(i, j, m) ==
    /\ \/ m.mterm < currentTerm[i]
       \/ /\ m.mterm = currentTerm[i]
          /\ state[i] = Follower
          /\ ~PrevLogMatches(i, m)
    /\ AppendEntriesReply(i, j, m, FALSE, 0)
    /\ UNCHANGED <<serverVars, logVars>>

\* A campaigning server learns its term has a leader: it yields, and keeps
\* the message so it can be handled as a follower in a later step.
YieldToLeader(i, m) ==
    /\ m.mterm = currentTerm[i]
    /\ state[i] \in Campaigning
    /\ state' = [state EXCEPT ![i] = Follower]
    /\ UNCHANGED <<messages, currentTerm, votedFor, logVars>>

\* The request's entries (at most one) are already in i's log: acknowledge.
\* A stale duplicate may lower commitIndex; Raft tolerates that.
AcknowledgeAppendEntries(i, j, m) ==
    LET next == m.mprevLogIndex + 1
    IN /\ IF m.mentries = <<>> THEN TRUE
          ELSE /\ Len(log[i]) >= next
               /\ log[i][next].term = m.mentries[1].term
       /\ commitIndex' = [commitIndex EXCEPT ![i] = m.mcommitIndex]
       /\ AppendEntriesReply(i, j, m, TRUE, m.mprevLogIndex + Len(m.mentries))
       /\ UNCHANGED <<serverVars, log>>

\* i holds a different entry where the new one goes: drop i's last entry.
\* Repeated until the conflict is gone; the message stays in flight.
TruncateOneEntry(i, m) ==
    LET next == m.mprevLogIndex + 1
    IN /\ m.mentries /= <<>>
       /\ Len(log[i]) >= next
       /\ log[i][next].term /= m.mentries[1].term
       /\ log' = [log EXCEPT ![i] = SubSeq(@, 1, Len(@) - 1)]
       /\ UNCHANGED <<serverVars, commitIndex, messages>>

\* i's log ends right before the new entry: append it; acknowledging is a
\* later AcknowledgeAppendEntries step on the same message.
AppendOneEntry(i, m) ==
    /\ m.mentries /= <<>>
    /\ Len(log[i]) = m.mprevLogIndex
    /\ log' = [log EXCEPT ![i] = Append(@, m.mentries[1])]
    /\ UNCHANGED <<serverVars, commitIndex, messages>>

HandleAppendEntriesRequest(i, j, m) ==
    /\ m.mterm <= currentTerm[i]
    /\ \/ RejectAppendEntries(i, j, m)
       \/ YieldToLeader(i, m)
       \/ /\ m.mterm = currentTerm[i]
          /\ state[i] = Follower
          /\ PrevLogMatches(i, m)
          /\ \/ AcknowledgeAppendEntries(i, j, m)
             \/ TruncateOneEntry(i, m)
             \/ AppendOneEntry(i, m)
    /\ UNCHANGED <<proofVars, candidateVars, leaderVars>>

HandleAppendEntriesResponse(i, j, m) ==
    /\ m.mterm = currentTerm[i]
    /\ IF m.msuccess
       THEN /\ nextIndex'  = [nextIndex  EXCEPT ![i][j] = m.mmatchIndex + 1]
            /\ matchIndex' = [matchIndex EXCEPT ![i][j] = m.mmatchIndex]
       ELSE /\ nextIndex'  = [nextIndex  EXCEPT ![i][j] = MaxOf({@ - 1, 1})]
            /\ UNCHANGED matchIndex
    /\ Discard(m)
    /\ UNCHANGED <<proofVars, serverVars, logVars, candidateVars>>

\* Seeing a newer term makes i a follower of that term before anything else;
\* the message stays in flight so the matching handler can run next.
UpdateTerm(i, j, m) ==
    /\ m.mtype \notin TermNeutralTypes
    /\ m.mterm > currentTerm[i]
    /\ currentTerm' = [currentTerm EXCEPT ![i] = m.mterm]
    /\ state'       = [state EXCEPT ![i] = Follower]
    /\ votedFor'    = [votedFor EXCEPT ![i] = Nil]
    /\ UNCHANGED <<messages, proofVars, logVars, candidateVars, leaderVars>>

DropStaleResponse(i, j, m) ==
    /\ m.mterm < currentTerm[i]
    /\ Discard(m)
    /\ UNCHANGED <<proofVars, serverVars, logVars, candidateVars, leaderVars>>

Receive(m) ==
    LET i == m.mdest
        j == m.msource
    IN \/ UpdateTerm(i, j, m)
       \/ /\ m.mtype = RequestVoteRequest
          /\ HandleRequestVoteRequest(i, j, m)
       \/ /\ m.mtype = RequestVoteResponse
          /\ \/ DropStaleResponse(i, j, m)
             \/ HandleRequestVoteResponse(i, j, m)
       \/ /\ m.mtype = AppendEntriesRequest
          /\ HandleAppendEntriesRequest(i, j, m)
       \/ /\ m.mtype = AppendEntriesResponse
          /\ \/ DropStaleResponse(i, j, m)
             \/ HandleAppendEntriesResponse(i, j, m)

----------------------------------------------------------------------------
(* The network misbehaves.                                                 *)

DuplicateMessage(m) ==
    /\ Send(m)
    /\ UNCHANGED <<proofVars, serverVars, logVars, candidateVars, leaderVars>>

DropMessage(m) ==
    /\ Discard(m)
    /\ UNCHANGED <<proofVars, serverVars, logVars, candidateVars, leaderVars>>

----------------------------------------------------------------------------
(* Next-state relation, in groups that extensions and mutants recombine.  *)

ElectionStep ==
    \/ \E i \in Server : Timeout(i)
    \/ \E i, j \in Server : RequestVote(i, j)
    \/ \E i \in Server : BecomeLeader(i)

ReplicationStep ==
    \/ \E i \in Server, v \in Value : ClientRequest(i, v)
    \/ \E i \in Server : AdvanceCommitIndex(i)
    \/ \E i, j \in Server : AppendEntries(i, j)

CrashStep == \E i \in Server : Restart(i)

NetworkFaultStep ==
    \/ \E m \in DOMAIN messages : DuplicateMessage(m)
    \/ \E m \in DOMAIN messages : DropMessage(m)

FaultStep == CrashStep \/ NetworkFaultStep

ReceiveStep == \E m \in DOMAIN messages : Receive(m)

\* Every step also remembers the logs it produced. allLogs is updated here
\* rather than in each action so no action can forget it.
RecordLogs == allLogs' = allLogs \cup {log'[i] : i \in Server}

Next == /\ \/ ElectionStep
           \/ ReplicationStep
           \/ ReceiveStep
           \/ FaultStep
        /\ RecordLogs

Spec == Init /\ [][Next]_vars

=============================================================================
