----------------------------- MODULE ReplaySpec -----------------------------
(***************************************************************************)
(* Random behaviours of the spec, to be replayed against core.            *)
(*                                                                         *)
(* Every step is one composite action of TraceRaftSteps.tla, i.e. exactly  *)
(* one core input (a Tick that times out, a Receive, a PersistAck, a      *)
(* Propose), or a network event (a leader sends an AppendEntries, a        *)
(* message is dropped or duplicated). `act` records which step produced   *)
(* the state: TLC's -simulate files list states, not actions.             *)
(*                                                                         *)
(* Bias. TLC's simulator picks one enabled sub-action uniformly, and an   *)
(* existential over a constant set is split into one sub-action per       *)
(* value. `\E w \in 1..W` therefore gives an action W times the weight.   *)
(* Deliveries and acknowledgements are heavy, timeouts and faults light,  *)
(* so leaders get elected and entries committed within a few dozen steps. *)
(* Bounds (MaxTerm, MaxLog) stop runaway elections and proposals; they    *)
(* restrict behaviours, they never add any.                               *)
(***************************************************************************)
EXTENDS TraceRaftSteps

CONSTANTS
    PreVote,     \* TRUE: core runs with config.preVote, Timeout starts a pre-vote
    MaxTerm,     \* no Timeout once a node's term reaches this
    MaxLog,      \* no ClientRequest beyond this log length
    MaxBatch,    \* entries per ClientRequest and per AppendEntries, at most
    MaxCopies,   \* a message is duplicated only while fewer copies are in flight
    MaxRestarts  \* crash-and-restarts per behaviour, at most

\* Replayed behaviours make no membership changes: every server is a voter from the start.
ReplayInitConfig == [voters |-> Server, outgoing |-> {}, learners |-> {}]

\* Beyond Raft.tla's variables: rejected votes and the persistence pipeline
\* (as in TraceRaft.tla), and the step that produced the state.
VARIABLES votesRejected, pseq, dseq, held, act,
          \* Core's leaderId (the leader a follower has heard from in its term), which decides
          \* whether TimeoutNow starts an election; and a leader's transfer target, or Nil.
          knownLeader, transferTo,
          \* Per node: the image of its acknowledged writes, the images of its unacknowledged
          \* ones (by seq), and crash-and-restarts so far.
          durable, pending, restarts

replayVars == <<votesRejected, pseq, dseq, held, act, knownLeader, transferTo, durable, pending,
                restarts>>

NoSnapshots == [x \in {} |-> <<>>]
PlainReceive == [ignore |-> FALSE, install |-> FALSE, go |-> FALSE, take |-> FALSE]

ReplayInit ==
    /\ messages       = EmptyBag
    /\ elections      = {}
    /\ allLogs        = {<<>>}
    /\ commits        = {}
    /\ currentTerm    = [i \in Server |-> 0]
    /\ state          = [i \in Server |-> Follower]
    /\ votedFor       = [i \in Server |-> Nil]
    /\ log            = [i \in Server |-> <<>>]
    /\ commitIndex    = [i \in Server |-> 0]
    /\ votesResponded = [i \in Server |-> {}]
    /\ votesGranted   = [i \in Server |-> {}]
    /\ nextIndex      = [i \in Server |-> [j \in Server |-> 1]]
    /\ matchIndex     = [i \in Server |-> ZeroMatch]
    /\ votesRejected  = [i \in Server |-> {}]
    /\ pseq           = [i \in Server |-> 0]
    /\ dseq           = [i \in Server |-> 0]
    /\ held           = [i \in Server |-> <<>>]
    /\ act            = [name |-> "Init"]
    /\ knownLeader    = [i \in Server |-> Nil]
    /\ transferTo     = [i \in Server |-> Nil]
    /\ durable        = [i \in Server |-> [term |-> 0, vote |-> Nil, log |-> <<>>]]
    /\ pending        = [i \in Server |-> <<>>]
    /\ restarts       = 0

----------------------------------------------------------------------------
(* A node as the record TraceRaftSteps' steps work on, and back.          *)

NodeR(i) ==
    [id |-> i, term |-> currentTerm[i], role |-> state[i], vote |-> votedFor[i],
     log |-> log[i], commit |-> commitIndex[i], snap |-> 0,
     granted |-> votesGranted[i], rejected |-> votesRejected[i], match |-> matchIndex[i],
     pseq |-> pseq[i], dseq |-> dseq[i], held |-> held[i], out |-> <<>>,
     persisted |-> FALSE, el |-> {}, cm |-> {}, ok |-> TRUE]

\* Puts every message of a sequence, then one copy of each of a set, into a bag.
PutAll(bag, ms, set) ==
    LET F[k \in 0..Len(ms)] == IF k = 0 THEN bag ELSE BagPut(F[k - 1], ms[k])
        B == F[Len(ms)]
    IN [m \in DOMAIN B \cup set |->
          (IF m \in DOMAIN B THEN B[m] ELSE 0) + (IF m \in set THEN 1 ELSE 0)]

\* Core's leaderId after the step: the sender of an AppendEntries request it handled; kept
\* while it stays a follower in the same term; cleared by any new term or campaign.
LeaderAfter(i, N, heard) ==
    CASE heard /= Nil /\ N.role = Follower -> heard
      [] N.role = Follower /\ state[i] = Follower /\ N.term = currentTerm[i] -> knownLeader[i]
      [] OTHER -> Nil

\* A transfer lasts while its leader stays leader of the term (leaders never tick here, so
\* core's expiry after an election timeout never fires).
TransferAfter(i, N) == IF N.role = Leader /\ N.term = currentTerm[i] THEN transferTo[i] ELSE Nil

\* Node i's step produced N and sends the requests `extra` besides its responses; `heard` is
\* the leader whose AppendEntries request it handled, or Nil.
Store(i, N, bag, extra, heard) ==
    /\ LET written == IF N.pseq > pseq[i]
                      THEN Append(pending[i], [seq |-> N.pseq,
                                               img |-> [term |-> N.term, vote |-> N.vote, log |-> N.log]])
                      ELSE pending[i]
           acked == SelectSeq(written, LAMBDA w : w.seq <= N.dseq)
       IN /\ pending' = [pending EXCEPT ![i] = SelectSeq(written, LAMBDA w : w.seq > N.dseq)]
          /\ durable' = IF acked = <<>> THEN durable
                        ELSE [durable EXCEPT ![i] = acked[Len(acked)].img]
    /\ UNCHANGED restarts
    /\ knownLeader'   = [knownLeader EXCEPT ![i] = LeaderAfter(i, N, heard)]
    /\ transferTo'    = [transferTo EXCEPT ![i] = TransferAfter(i, N)]
    /\ N.ok
    /\ currentTerm'    = [currentTerm EXCEPT ![i] = N.term]
    /\ state'          = [state EXCEPT ![i] = N.role]
    /\ votedFor'       = [votedFor EXCEPT ![i] = N.vote]
    /\ log'            = [log EXCEPT ![i] = N.log]
    /\ commitIndex'    = [commitIndex EXCEPT ![i] = N.commit]
    /\ votesGranted'   = [votesGranted EXCEPT ![i] = N.granted]
    /\ votesRejected'  = [votesRejected EXCEPT ![i] = N.rejected]
    /\ votesResponded' = [votesResponded EXCEPT ![i] = N.granted \cup N.rejected]
    /\ matchIndex'     = [matchIndex EXCEPT ![i] = N.match]
    /\ pseq'           = [pseq EXCEPT ![i] = N.pseq]
    /\ dseq'           = [dseq EXCEPT ![i] = N.dseq]
    /\ held'           = [held EXCEPT ![i] = N.held]
    /\ elections'      = elections \cup N.el
    /\ commits'        = commits \cup N.cm
    /\ allLogs'        = allLogs \cup {N.log}
    /\ messages'       = PutAll(bag, N.out, extra)
    /\ UNCHANGED nextIndex

Unchanged == UNCHANGED <<elections, allLogs, commits, serverVars, logVars, candidateVars,
                         leaderVars, votesRejected, pseq, dseq, held, knownLeader, transferTo,
                         durable, pending, restarts>>

----------------------------------------------------------------------------
(* Core inputs.                                                            *)

\* The requests core sends when it starts a (pre-)election, one per peer; `transfer`: the
\* election was started by TimeoutNow.
CampaignRequests(N, transfer) ==
    LET base(j) == [msource |-> N.id, mdest |-> j,
                    mlastLogIndex |-> Len(N.log), mlastLogTerm |-> LastTerm(N.log)]
    IN CASE N.role = Candidate ->
              {base(j) @@ [mtype |-> RequestVoteRequest, mterm |-> N.term, mtransfer |-> transfer] :
                 j \in Server \ {N.id}}
         [] N.role = PreCandidate ->
              {base(j) @@ [mtype |-> PreVoteRequest, mterm |-> N.term + 1] : j \in Server \ {N.id}}
         [] OTHER -> {}

\* Tick until the election timer fires (core: Timeout or PreVoteTimeout).
ReplayTimeout(i) ==
    /\ state[i] /= Leader
    /\ currentTerm[i] < MaxTerm
    /\ LET N == TickStep(NodeR(i), IF PreVote THEN {"PreVoteTimeout"} ELSE {"Timeout"})
       IN Store(i, N, messages, CampaignRequests(N, FALSE), Nil)
    /\ act' = [name |-> "Timeout", node |-> i]

\* A granted pre-vote quorum, or TimeoutNow, starts the election inside a Receive.
NewElectionRequests(i, N, m) ==
    IF N.role = Candidate /\ N.term /= currentTerm[i]
    THEN CampaignRequests(N, m.mtype = TimeoutNowRequest) ELSE {}

TimeoutNowFrom(i) == [mtype |-> TimeoutNowRequest, msource |-> i, mdest |-> transferTo[i],
                      mterm |-> currentTerm[i]]

\* Core sends TimeoutNow when the transfer target's match reaches the leader's last index:
\* at TransferLeadership, or on the AppendEntries response that brings it there.
TransferRequests(i, N) ==
    IF /\ N.role = Leader /\ N.term = currentTerm[i] /\ transferTo[i] /= Nil
       /\ N.match[transferTo[i]] = Len(N.log)
    THEN {TimeoutNowFrom(i)} ELSE {}

\* TimeoutNow starts an election only from the leader the follower knows (core's leaderId);
\* a higher term clears it, so such a request only makes a follower.
ReceiveFlags(m) ==
    [PlainReceive EXCEPT !.go = /\ m.mterm = currentTerm[m.mdest]
                                /\ knownLeader[m.mdest] = m.msource]

ReplayReceive(m) ==
    /\ LET i == m.mdest
           N == ReceiveMessageStep(NodeR(i), m, ReceiveFlags(m), NoSnapshots)
           caughtUp == /\ m.mtype = AppendEntriesResponse /\ m.msource = transferTo[i]
                       /\ m.msuccess /\ m.mmatchIndex > matchIndex[i][m.msource]
       IN Store(i, N, BagTake(messages, m),
                NewElectionRequests(i, N, m) \cup (IF caughtUp THEN TransferRequests(i, N) ELSE {}),
                IF m.mtype = AppendEntriesRequest /\ m.mterm >= currentTerm[i] THEN m.msource ELSE Nil)
    /\ act' = [name |-> "Receive", node |-> m.mdest, msg |-> m]

\* Storage acknowledges writes up to k.
ReplayPersistAck(i) ==
    \E k \in (dseq[i] + 1)..pseq[i] :
        /\ Store(i, PersistAckStep(NodeR(i), k), messages, {}, Nil)
        /\ act' = [name |-> "PersistAck", node |-> i, seq |-> k]

\* Not while a transfer is in progress: core drops such proposals (with an error).
ReplayClientRequest(i, n) ==
    /\ state[i] = Leader
    /\ transferTo[i] = Nil
    /\ Len(log[i]) + n <= MaxLog
    /\ Store(i, ProposeStep(NodeR(i), {"ClientRequest"}, n), messages, {}, Nil)
    /\ act' = [name |-> "ClientRequest", node |-> i, count |-> n]

\* TransferLeadership to j: only messages change (the trace spec's StepOutcome), the
\* TimeoutNow at once if j has caught up; otherwise core brings j up to date (flow control)
\* and sends it on j's answer. One transfer at a time: a second one aborts the first with an
\* error. Bounded by MaxTerm like Timeout, because it leads to an election.
ReplayTransferLeadership(i, j) ==
    /\ state[i] = Leader
    /\ i /= j
    /\ transferTo[i] = Nil
    /\ currentTerm[i] < MaxTerm
    /\ transferTo' = [transferTo EXCEPT ![i] = j]
    /\ messages' = IF matchIndex[i][j] = Len(log[i])
                   THEN BagPut(messages, [mtype |-> TimeoutNowRequest, msource |-> i, mdest |-> j,
                                          mterm |-> currentTerm[i]])
                   ELSE messages
    /\ act' = [name |-> "TransferLeadership", node |-> i, to |-> j]
    /\ UNCHANGED <<elections, allLogs, commits, serverVars, logVars, candidateVars,
                   leaderVars, votesRejected, pseq, dseq, held, knownLeader, durable, pending,
                   restarts>>

----------------------------------------------------------------------------
(* The network. A leader may send any window of its log that it could     *)
(* send (TraceRaft.tla's ValidRequest); when it does is core's flow       *)
(* control, which this direction does not check.                          *)

AppendEntriesRequestFrom(i, j, prev, n) ==
    [mtype |-> AppendEntriesRequest, msource |-> i, mdest |-> j, mterm |-> currentTerm[i],
     mprevLogIndex |-> prev, mprevLogTerm |-> TermAt(log[i], prev),
     mentries |-> EntryTerms(SubSeq(log[i], prev + 1, prev + n)),
     \* No configuration entries in replayed behaviours (TraceRaftSteps reads mconfs).
     mconfs |-> {},
     mcommitIndex |-> commitIndex[i]]

SendAppendEntries(i, j, prev, n) ==
    /\ state[i] = Leader
    /\ i /= j
    /\ prev + n <= Len(log[i])
    /\ messages' = BagPut(messages, AppendEntriesRequestFrom(i, j, prev, n))
    /\ act' = [name |-> "AppendEntries", node |-> i, msg |-> AppendEntriesRequestFrom(i, j, prev, n)]
    /\ Unchanged

\* What a leader should send j next: everything after j's known match.
SendProgress(i, j) ==
    LET prev == matchIndex[i][j]
    IN SendAppendEntries(i, j, prev, Min(MaxBatch, Len(log[i]) - prev))

\* Any window: stale, overlapping or conflicting requests.
SendAny(i, j) ==
    \E prev \in 0..Len(log[i]) : \E n \in 0..Min(MaxBatch, Len(log[i]) - prev) :
        SendAppendEntries(i, j, prev, n)

\* Crash and restart in one step, from the acknowledged image: every unacknowledged write is
\* lost (TraceRaft.tla's Restart with p = 0, which is always allowed). Messages in flight
\* survive; held responses do not. Commit and votes restart from nothing (no snapshots here).
ReplayRestart(i) ==
    /\ restarts < MaxRestarts
    /\ restarts' = restarts + 1
    /\ LET img == durable[i] IN
       /\ currentTerm'    = [currentTerm EXCEPT ![i] = img.term]
       /\ votedFor'       = [votedFor EXCEPT ![i] = img.vote]
       /\ log'            = [log EXCEPT ![i] = img.log]
       /\ allLogs'        = allLogs \cup {img.log}
    /\ state'          = [state EXCEPT ![i] = Follower]
    /\ commitIndex'    = [commitIndex EXCEPT ![i] = 0]
    /\ votesGranted'   = [votesGranted EXCEPT ![i] = {}]
    /\ votesRejected'  = [votesRejected EXCEPT ![i] = {}]
    /\ votesResponded' = [votesResponded EXCEPT ![i] = {}]
    /\ matchIndex'     = [matchIndex EXCEPT ![i] = ZeroMatch]
    /\ pseq'           = [pseq EXCEPT ![i] = dseq[i]]
    /\ held'           = [held EXCEPT ![i] = <<>>]
    /\ pending'        = [pending EXCEPT ![i] = <<>>]
    /\ knownLeader'    = [knownLeader EXCEPT ![i] = Nil]
    /\ transferTo'     = [transferTo EXCEPT ![i] = Nil]
    /\ act' = [name |-> "Restart", node |-> i]
    /\ UNCHANGED <<messages, elections, commits, nextIndex, dseq, durable>>

ReplayDrop(m) ==
    /\ messages' = BagTake(messages, m)
    /\ act' = [name |-> "Drop", msg |-> m]
    /\ Unchanged

ReplayDuplicate(m) ==
    /\ messages[m] < MaxCopies
    /\ messages' = BagPut(messages, m)
    /\ act' = [name |-> "Duplicate", msg |-> m]
    /\ Unchanged

----------------------------------------------------------------------------
(* Weights: `\E w \in 1..W` repeats an action W times (see the header).   *)

ReplayNext ==
    \/ \E w \in 1..30 : \E m \in DOMAIN messages : ReplayReceive(m)
    \/ \E w \in 1..8, i \in Server : ReplayPersistAck(i)
    \/ \E i \in Server : ReplayTimeout(i)
    \/ \E w \in 1..4, i, j \in Server : SendProgress(i, j)
    \/ \E i, j \in Server : SendAny(i, j)
    \/ \E w \in 1..2, i \in Server, n \in 1..MaxBatch : ReplayClientRequest(i, n)
    \/ \E m \in DOMAIN messages : ReplayDrop(m)
    \/ \E m \in DOMAIN messages : ReplayDuplicate(m)
    \/ \E i, j \in Server : ReplayTransferLeadership(i, j)
    \/ \E i \in Server : ReplayRestart(i)

ReplaySpecification == ReplayInit /\ [][ReplayNext]_<<vars, replayVars>>

=============================================================================
