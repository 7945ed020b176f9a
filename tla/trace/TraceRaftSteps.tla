--------------------------- MODULE TraceRaftSteps ---------------------------
(***************************************************************************)
(* The steps raftbed's core takes, as extension actions over the state of *)
(* Raft.tla. Core is coarser than raft.tla: one input does what raft.tla  *)
(* spreads over several actions (UpdateTerm, then a handler, then         *)
(* BecomeLeader or AdvanceCommitIndex), it sends whole batches, cuts a    *)
(* conflicting suffix at once, votes for itself atomically, and it has    *)
(* features raft.tla lacks (PreVote, CheckQuorum, snapshots, TimeoutNow,  *)
(* ReadIndex, asynchronous persistence, membership changes). Each is      *)
(* modelled here; the configuration rules are RaftReconfig.tla's.         *)
(*                                                                         *)
(* Style: a step is a pure function on one node's record N (term, role,   *)
(* vote, log, commit, ...) so that raft.tla's finer actions compose by    *)
(* function composition, exactly in the order core runs them. Entries are *)
(* [term |-> t] (or [term |-> t, conf |-> C] for a configuration): traces *)
(* carry terms and configurations, not commands. Logs are kept whole:     *)
(* compaction moves `snap`, it never forgets entries, so Log Matching     *)
(* and the history variables stay meaningful across snapshots.            *)
(***************************************************************************)
EXTENDS RaftBatched, RaftReconfig, Integers

PreVoteRequest          == "PreVoteRequest"
PreVoteResponse         == "PreVoteResponse"
InstallSnapshotRequest  == "InstallSnapshotRequest"
InstallSnapshotResponse == "InstallSnapshotResponse"
TimeoutNowRequest       == "TimeoutNowRequest"
ReadIndexRequest        == "ReadIndexRequest"
ReadIndexResponse       == "ReadIndexResponse"

ResponseTypes == {RequestVoteResponse, PreVoteResponse, AppendEntriesResponse,
                  InstallSnapshotResponse}

Max(a, b) == IF a >= b THEN a ELSE b
Min(a, b) == IF a <= b THEN a ELSE b

\* A quorum of the configuration node N is in (the latest one in its log).
IsQuorum(N, s) == HasQuorum(ConfigOf(N.log), s)
IsVoter(N, j) == j \in VotersOf(ConfigOf(N.log))

TermAt(lg, k) == IF k = 0 THEN 0 ELSE lg[k].term
\* Traces carry entries as their terms plus the configurations among them,
\* a set of <<offset, configuration>> pairs.
ToEntries(terms, confs) ==
    [k \in 1..Len(terms) |->
        IF \E p \in confs : p[1] = k
        THEN ConfigEntry(terms[k], (CHOOSE p \in confs : p[1] = k)[2])
        ELSE [term |-> terms[k]]]
EntryTerms(lg) == [k \in 1..Len(lg) |-> lg[k].term]
EntryConfs(lg) == {<<k, lg[k].conf>> : k \in ConfigIndexes(lg)}
ZeroMatch == [j \in Server |-> 0]

----------------------------------------------------------------------------
(* Node records. `held` are responses waiting for persistence (seq > the   *)
(* acknowledged seq); `out` are messages this step must send; `persisted` *)
(* says this step issued a persist record (it must appear next in the     *)
(* trace); `el`/`cm` collect history for elections/commits; `ok` turns    *)
(* FALSE when the step is not one the spec allows.                        *)

\* Responses, field for field as tla/trace/convert.ts reduces traced messages.
RVResponse(N, dest, grant) ==
    [mtype |-> RequestVoteResponse, msource |-> N.id, mdest |-> dest, mterm |-> N.term,
     mvoteGranted |-> grant]
PVResponse(N, dest, term, grant) ==
    [mtype |-> PreVoteResponse, msource |-> N.id, mdest |-> dest, mterm |-> term,
     mvoteGranted |-> grant]
AEResponseTo(N, dest, success, matched) ==
    [mtype |-> AppendEntriesResponse, msource |-> N.id, mdest |-> dest, mterm |-> N.term,
     msuccess |-> success, mmatchIndex |-> matched]
ISResponseTo(N, dest, index, installed) ==
    [mtype |-> InstallSnapshotResponse, msource |-> N.id, mdest |-> dest, mterm |-> N.term,
     mlastIncludedIndex |-> index, minstalled |-> installed]

\* Core's persist-before-send rule: a response waits for every earlier write.
Respond(N, m) ==
    IF N.pseq > N.dseq
    THEN [N EXCEPT !.held = Append(@, [seq |-> N.pseq, msg |-> m])]
    ELSE [N EXCEPT !.out = Append(@, m)]

\* Direct sends (answers to stale requests) are never held.
SendNow(N, m) == [N EXCEPT !.out = Append(@, m)]

\* One persist record per step, whatever it ends up holding.
Persisted(N) == IF N.persisted THEN N ELSE [N EXCEPT !.persisted = TRUE, !.pseq = @ + 1]

Disable(N) == [N EXCEPT !.ok = FALSE]

----------------------------------------------------------------------------
(* Roles and elections.                                                    *)

\* Leave any role for Follower in term t; the vote is cleared (and written)
\* only when the term changes. Raft.tla's UpdateTerm and YieldToLeader.
BecomeFollower(N, t) ==
    LET N1 == IF t /= N.term THEN Persisted([N EXCEPT !.term = t, !.vote = Nil]) ELSE N
    IN [N1 EXCEPT !.role = Follower, !.granted = {}, !.rejected = {}, !.match = ZeroMatch]

\* Timeout + the atomic self-vote (RaftSelfVote.tla) + RequestVote to all.
\* The self-vote counts only when its write is durable: it is a held
\* response to itself, counted by PersistAck.
StartElection(N) ==
    LET N1 == Persisted([N EXCEPT !.role = Candidate, !.term = @ + 1, !.vote = N.id,
                                  !.granted = {}, !.rejected = {}])
    IN Respond(N1, RVResponse(N1, N.id, TRUE))

\* RaftPreVote.tla's StartPreVote (the self pre-vote is immediate).
StartPreVote(N) ==
    LET N1 == [N EXCEPT !.role = PreCandidate, !.granted = {N.id}, !.rejected = {}]
    IN IF IsQuorum(N1, {N.id}) THEN StartElection(N1) ELSE N1

\* ClientRequest on the leader's own log; its own copy counts once durable.
AppendAsLeader(N, ents) ==
    LET N1 == Persisted([N EXCEPT !.log = @ \o ents])
    IN Respond(N1, AEResponseTo(N1, N.id, TRUE, Len(N1.log)))

\* BecomeLeader, then a no-op entry of the new term (section 5.4.2).
BecomeLeaderStep(N) ==
    LET N1 == [N EXCEPT !.role = Leader, !.granted = {}, !.rejected = {}, !.match = ZeroMatch,
                        !.el = @ \cup {[eterm |-> N.term, eleader |-> N.id, elog |-> N.log]}]
    IN AppendAsLeader(N1, <<[term |-> N.term]>>)

\* Votes and pre-votes are granted whatever the receiver's own configuration
\* says (dissertation section 4.1: a server answers RPCs without consulting
\* its configuration). It may lag the change that made the candidate a
\* voter; only the candidate's configuration decides whether a vote counts.
HandleRequestVoteRequestStep(N, m) ==
    LET grant == /\ m.mterm = N.term
                 /\ N.vote \in {Nil, m.msource}
                 /\ UpToDate(m.mlastLogTerm, m.mlastLogIndex, N.log)
        N1 == IF grant THEN Persisted([N EXCEPT !.vote = m.msource]) ELSE N
    IN Respond(N1, RVResponse(N1, m.msource, grant))

\* A grant echoes the proposed term; a refusal carries the voter's own.
HandlePreVoteRequestStep(N, m) ==
    LET grant == /\ m.mterm > N.term
                 /\ UpToDate(m.mlastLogTerm, m.mlastLogIndex, N.log)
    IN Respond(N, PVResponse(N, m.msource, IF grant THEN m.mterm ELSE N.term, grant))

Tally(N, m) ==
    IF m.mvoteGranted THEN [N EXCEPT !.granted = @ \cup {m.msource}]
    ELSE [N EXCEPT !.rejected = @ \cup {m.msource}]

HandleRequestVoteResponseStep(N, m) ==
    IF N.role /= Candidate \/ m.mterm /= N.term THEN N
    ELSE LET N1 == Tally(N, m)
         IN IF IsQuorum(N1, N1.granted) THEN BecomeLeaderStep(N1)
            ELSE IF IsQuorum(N1, N1.rejected) THEN BecomeFollower(N1, N1.term)
            ELSE N1

HandlePreVoteResponseStep(N, m) ==
    IF N.role /= PreCandidate \/ m.mterm /= (IF m.mvoteGranted THEN N.term + 1 ELSE N.term) THEN N
    ELSE LET N1 == Tally(N, m)
         IN IF IsQuorum(N1, N1.granted) THEN StartElection(N1)
            ELSE IF IsQuorum(N1, N1.rejected) THEN BecomeFollower(N1, N1.term)
            ELSE N1

----------------------------------------------------------------------------
(* Replication.                                                            *)

\* The highest index a quorum of its configuration holds (the leader's own
\* durable copy in match[self]); committed only if it is of the current
\* term (Figure 8).
AdvanceCommit(N) ==
    LET M(j) == N.match[j]
        cand == MaxOf({k \in {0} \cup {M(j) : j \in Server} :
                          IsQuorum(N, {y \in Server : M(y) >= k})})
    IN IF cand > N.commit /\ cand <= Len(N.log) /\ TermAt(N.log, cand) = N.term
       THEN [N EXCEPT !.commit = cand,
                      !.cm = @ \cup {[index |-> k, entry |-> N.log[k], cterm |-> N.term] :
                                        k \in (N.commit + 1)..cand}]
       ELSE N

AEResponse(N, m, success, matched) == AEResponseTo(N, m.msource, success, matched)

\* RaftBatched's merge: cut a conflicting suffix at once, append what is
\* missing, never shorten the log for a stale request, never cut a
\* committed entry (core asserts that too), commit no further than the
\* request proves.
AcceptEntries(N, m, prev, ents) ==
    LET k       == FirstConflict(N.log, prev, ents)
        changed == k <= Len(ents)
        cutsCommitted == changed /\ prev + k <= Len(N.log) /\ prev + k <= N.commit
        lastNew == prev + Len(ents)
        N1 == IF changed THEN Persisted([N EXCEPT !.log = MergeEntries(@, prev, ents)]) ELSE N
        N2 == IF Min(m.mcommitIndex, lastNew) > N1.commit
              THEN [N1 EXCEPT !.commit = Min(m.mcommitIndex, lastNew)] ELSE N1
    IN IF cutsCommitted THEN Disable(N)
       ELSE Respond(N2, AEResponse(N2, m, TRUE, lastNew))

\* Everything up to the commit point (or snapshot) is known to match, so a
\* request anchored below it is accepted from there on.
HandleAppendEntriesRequestStep(N, m) ==
    LET known == Max(N.commit, N.snap)
        ents  == ToEntries(m.mentries, m.mconfs)
        prev  == m.mprevLogIndex
    IN IF prev < known
       THEN IF known - prev >= Len(ents) THEN Respond(N, AEResponse(N, m, TRUE, known))
            ELSE AcceptEntries(N, m, known, SubSeq(ents, known - prev + 1, Len(ents)))
       ELSE IF prev > Len(N.log) \/ TermAt(N.log, prev) /= m.mprevLogTerm
            THEN Respond(N, AEResponse(N, m, FALSE, 0))
            ELSE AcceptEntries(N, m, prev, ents)

HandleAppendEntriesResponseStep(N, m) ==
    IF m.msuccess /\ m.mmatchIndex > N.match[m.msource]
    THEN AdvanceCommit([N EXCEPT !.match[m.msource] = m.mmatchIndex])
    ELSE N

----------------------------------------------------------------------------
(* Snapshots (section 7). A snapshot's content is the sender's log prefix, *)
(* remembered in snapData when the request is sent.                        *)

ISResponse(N, m, installed) == ISResponseTo(N, m.msource, m.mlastIncludedIndex, installed)

\* `install`: this chunk completes the snapshot (core logs InstallSnapshot).
HandleInstallSnapshotRequestStep(N, m, install, snapData) ==
    LET X == m.mlastIncludedIndex
        T == m.mlastIncludedTerm
        keep == X <= Len(N.log) /\ TermAt(N.log, X) = T
    IN IF X <= N.commit THEN Respond(N, ISResponse(N, m, TRUE))
       ELSE IF ~install THEN Respond(N, ISResponse(N, m, FALSE))
       ELSE IF ~m.mdone \/ (~keep /\ <<X, T>> \notin DOMAIN snapData) THEN Disable(N)
       ELSE LET N1 == Persisted([N EXCEPT !.log = IF keep THEN @ ELSE snapData[<<X, T>>],
                                          !.snap = X, !.commit = Max(@, X)])
            IN Respond(N1, ISResponse(N1, m, TRUE))

\* `take`: the leader was streaming exactly this snapshot to the sender
\* (progress mode, not modelled); taking it is always safe.
HandleInstallSnapshotResponseStep(N, m, take) ==
    IF m.minstalled /\ take
    THEN AdvanceCommit([N EXCEPT !.match[m.msource] = Max(@, m.mlastIncludedIndex)])
    ELSE N

----------------------------------------------------------------------------
(* Receiving a message: core's receive(), in its order.                   *)

AnswerStale(N, m) ==
    CASE m.mtype = AppendEntriesRequest -> SendNow(N, AEResponse(N, m, FALSE, 0))
      [] m.mtype = InstallSnapshotRequest -> SendNow(N, ISResponse(N, m, FALSE))
      [] m.mtype = RequestVoteRequest -> SendNow(N, RVResponse(N, m.msource, FALSE))
      [] m.mtype = PreVoteRequest -> SendNow(N, PVResponse(N, m.msource, N.term, FALSE))
      [] OTHER -> N

FollowerStep(N, m, c, snapData) ==
    CASE m.mtype = AppendEntriesRequest -> HandleAppendEntriesRequestStep(N, m)
      [] m.mtype = InstallSnapshotRequest -> HandleInstallSnapshotRequestStep(N, m, c.install, snapData)
      \* TimeoutNow from the known leader: campaign at once (leader id not modelled).
      [] m.mtype = TimeoutNowRequest -> IF c.go THEN StartElection(N) ELSE N
      [] OTHER -> N

RoleStep(N, m, c, snapData) ==
    CASE m.mtype = RequestVoteRequest -> HandleRequestVoteRequestStep(N, m)
      [] m.mtype = PreVoteRequest -> HandlePreVoteRequestStep(N, m)
      [] N.role = Leader ->
            CASE m.mtype = AppendEntriesRequest -> Disable(N)  \* a second leader in the term
              [] m.mtype = AppendEntriesResponse -> HandleAppendEntriesResponseStep(N, m)
              [] m.mtype = InstallSnapshotResponse -> HandleInstallSnapshotResponseStep(N, m, c.take)
              [] OTHER -> N
      [] N.role \in Campaigning ->
            CASE m.mtype = RequestVoteResponse -> HandleRequestVoteResponseStep(N, m)
              [] m.mtype = PreVoteResponse -> HandlePreVoteResponseStep(N, m)
              [] m.mtype \in {AppendEntriesRequest, InstallSnapshotRequest} ->
                    FollowerStep(BecomeFollower(N, m.mterm), m, c, snapData)
              [] OTHER -> N
      [] OTHER -> FollowerStep(N, m, c, snapData)

\* `c.ignore`: a vote request from a higher term ignored under a leader
\* lease (CheckQuorum, section 9.6); core then logs no action at all, while
\* handling such a request always logs one (UpdateTerm or the handler).
LeaseIgnorable(m) == m.mtype = PreVoteRequest \/ (m.mtype = RequestVoteRequest /\ ~m.mtransfer)

ReceiveMessageStep(N, m, c, snapData) ==
    IF m.mterm > N.term /\ c.ignore /\ LeaseIgnorable(m) THEN N
    ELSE IF m.mterm < N.term THEN AnswerStale(N, m)
    ELSE LET bumps == /\ m.mterm > N.term
                      /\ m.mtype /= PreVoteRequest
                      /\ ~(m.mtype = PreVoteResponse /\ m.mvoteGranted)
         IN RoleStep(IF bumps THEN BecomeFollower(N, m.mterm) ELSE N, m, c, snapData)

----------------------------------------------------------------------------
(* Local inputs.                                                           *)

\* Which timer-driven action happened is read from the logged actions; the
\* timers themselves are outside the spec (any moment is allowed).
TickStep(N, acts) ==
    IF N.role = Leader
    THEN IF "CheckQuorumStepDown" \in acts THEN BecomeFollower(N, N.term) ELSE N
    ELSE IF ({"PreVoteTimeout", "Timeout"} \cap acts /= {}) /\ ~MayCampaign(N.log, N.commit, N.id) THEN Disable(N)
    ELSE IF "PreVoteTimeout" \in acts THEN StartPreVote(N)
    ELSE IF "Timeout" \in acts THEN StartElection(N)
    ELSE N

\* A client proposal of n >= 1 entries (n as logged); a dropped proposal
\* (not leader, transfer in progress, uncommitted bound) changes nothing.
ProposeStep(N, acts, n) ==
    IF "ClientRequest" \in acts
    THEN IF N.role = Leader /\ n >= 1 THEN AppendAsLeader(N, [k \in 1..n |-> [term |-> N.term]])
         ELSE Disable(N)
    ELSE N

\* CompactLog: the application snapshots at an applied (so committed) index.
CompactStep(N, acts, X) ==
    IF "CompactLog" \in acts
    THEN IF X > N.snap /\ X <= N.commit /\ X <= Len(N.log)
         THEN Persisted([N EXCEPT !.snap = X]) ELSE Disable(N)
    ELSE N

\* PersistAck{k}: writes up to k are durable. Held responses up to k are
\* released: to peers they are sent; to itself they are received now
\* (the self-vote, then the leader's own durable match).
PersistAckStep(N, k) ==
    LET released == SelectSeq(N.held, LAMBDA h : h.seq <= k)
        kept     == SelectSeq(N.held, LAMBDA h : h.seq > k)
        peerHeld == SelectSeq(released, LAMBDA h : h.msg.mdest /= N.id)
        toPeers  == [x \in 1..Len(peerHeld) |-> peerHeld[x].msg]
        N0 == [N EXCEPT !.dseq = k, !.held = kept, !.out = @ \o toPeers]
        selfVote == \E x \in DOMAIN released :
                        /\ released[x].msg.mdest = N.id
                        /\ released[x].msg.mtype = RequestVoteResponse
                        /\ released[x].msg.mterm = N.term
        selfMatches == {released[x].msg.mmatchIndex :
                          x \in {y \in DOMAIN released :
                                   /\ released[y].msg.mdest = N.id
                                   /\ released[y].msg.mtype = AppendEntriesResponse
                                   /\ released[y].msg.mterm = N.term}}
        N1 == IF selfVote /\ N0.role = Candidate
              THEN LET V == [N0 EXCEPT !.granted = @ \cup {N.id}]
                   IN IF IsQuorum(V, V.granted) THEN BecomeLeaderStep(V) ELSE V
              ELSE N0
        N2 == IF N1.role = Leader /\ N.role = Leader /\ selfMatches /= {}
                 /\ MaxOf(selfMatches) > N1.match[N.id]
              THEN AdvanceCommit([N1 EXCEPT !.match[N.id] = MaxOf(selfMatches)])
              ELSE N1
    IN N2

----------------------------------------------------------------------------
(* Membership changes (RaftReconfig.tla's rules, in core's order).         *)

AppendConfigEntry(N, c) == AppendAsLeader(N, <<ConfigEntry(N.term, c)>>)

\* The 2015 rule and "one change at a time", as core checks them.
MayChangeConfig(N) ==
    /\ N.role = Leader
    /\ TermAt(N.log, N.commit) = N.term
    /\ LastConfigIndex(N.log) <= N.commit

\* ProposeConfChange{chs, leave}: `leave` is "none", "auto" or "explicit"
\* (asking for a joint configuration even for one voter). No changes means
\* an explicit LeaveJoint. A refused proposal (no ProposeConfChange among
\* the logged actions) changes nothing.
ConfChangeStep(N, acts, chs, leave) ==
    LET C == ConfigOf(N.log)
        new == ApplyChanges(C, chs)
        joint == VotersChanged(C, new) > 1 \/ leave /= "none"
    IN IF "ProposeConfChange" \notin acts THEN N
       ELSE IF ~MayChangeConfig(N) THEN Disable(N)
       ELSE IF Len(chs) = 0
            THEN IF IsJoint(C) /\ "LeaveJoint" \in acts
                 THEN AppendConfigEntry(N, [C EXCEPT !.outgoing = {}]) ELSE Disable(N)
       ELSE IF IsJoint(C) \/ ~ChangeAllowed(C, chs) \/ joint /= ("EnterJoint" \in acts) THEN Disable(N)
       ELSE AppendConfigEntry(N, IF joint THEN [new EXCEPT !.outgoing = C.voters] ELSE new)

\* What a leader does at the end of a step once its configuration is
\* committed: leave a joint configuration (automatic LeaveJoint, after the
\* 2015 rule; whether the joint entry asked for it is core's to say, so
\* it is read from the logged actions and its conditions checked), and
\* step down when it is no longer a voter (StepDownRemoved: required
\* exactly when its conditions hold).
AfterConfigCommitted(N, acts) ==
    LET C == ConfigOf(N.log)
        N1 == IF "LeaveJoint" \notin acts THEN N
              ELSE IF MayChangeConfig(N) /\ IsJoint(C)
                   THEN AppendConfigEntry(N, [C EXCEPT !.outgoing = {}]) ELSE Disable(N)
        removed == /\ N1.role = Leader
                   /\ LastConfigIndex(N1.log) <= N1.commit
                   /\ ~IsVoter(N1, N1.id)
    IN IF removed /= ("StepDownRemoved" \in acts) THEN Disable(N1)
       ELSE IF removed THEN BecomeFollower(N1, N1.term)
       ELSE N1

=============================================================================
