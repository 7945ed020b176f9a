---------------------------- MODULE RaftReconfig ----------------------------
(***************************************************************************)
(* Extension: membership changes (Ongaro's dissertation, chapter 4), with *)
(* single-server changes and joint consensus, in the vocabulary of        *)
(* raftbed's core (ProposeConfChange, LeaveJoint, StepDownRemoved).        *)
(*                                                                         *)
(* A configuration is [voters, outgoing, learners]; it is joint while     *)
(* `outgoing` (the voters being left behind) is not empty. A server uses  *)
(* the LATEST configuration entry in its log, committed or not; when a    *)
(* truncation removes that entry it falls back to the one before (or to  *)
(* InitConfig). So the configuration is a function of the log and needs *)
(* no variable of its own.                                                *)
(*                                                                         *)
(* A quorum of a configuration is a majority of `voters` and, while       *)
(* joint, also a majority of `outgoing`. Elections and commits count      *)
(* quorums of the deciding server's own configuration; votes from         *)
(* non-voters are ignored. A server grants votes whatever its own         *)
(* configuration says (section 4.1: it answers RPCs without consulting    *)
(* it; it may be stale). Voters campaign, and so may a server removed by  *)
(* an entry it does not know to be committed (MayCampaign).               *)
(*                                                                         *)
(* Rules for proposing a change (core refuses with the named error):      *)
(*   - the leader has committed an entry of its current term (the 2015    *)
(*     single-server-change bug fix; ConfChangeBeforeTermCommit);         *)
(*   - no configuration entry is uncommitted, and the configuration is    *)
(*     not joint (ConfChangeInProgress);                                  *)
(*   - no change removes the last voter (RemoveLastVoter) or removes a    *)
(*     node that is not a member (UnknownNode).                           *)
(*                                                                         *)
(* Pre-votes and CheckQuorum are extensions of their own (RaftPreVote,    *)
(* RaftCheckQuorum) and are not combined with this one; the quorum they   *)
(* count would be HasQuorum of the server's configuration.                *)
(***************************************************************************)
EXTENDS Raft

CONSTANT InitConfig   \* [voters |-> ..., outgoing |-> {}, learners |-> ...]

AddVoter   == "AddVoter"
AddLearner == "AddLearner"
RemoveNode == "RemoveNode"

----------------------------------------------------------------------------
(* Configurations in the log.                                              *)

\* Configuration entries carry `conf`; client entries carry `value`.
IsConfigEntry(e) == "conf" \in DOMAIN e
ConfigEntry(t, c) == [term |-> t, conf |-> c]

ConfigIndexes(lg) == {k \in 1..Len(lg) : IsConfigEntry(lg[k])}

\* Index of the latest configuration entry, 0 if there is none.
LastConfigIndex(lg) ==
    IF ConfigIndexes(lg) = {} THEN 0 ELSE MaxOf(ConfigIndexes(lg))

ConfigOf(lg) ==
    IF LastConfigIndex(lg) = 0 THEN InitConfig ELSE lg[LastConfigIndex(lg)].conf

Config(i) == ConfigOf(log[i])

IsJoint(c) == c.outgoing /= {}

\* Servers whose votes count in c (both sides while joint).
VotersOf(c) == c.voters \cup c.outgoing

----------------------------------------------------------------------------
(* Quorums.                                                                *)

Majority(s, voters) == 2 * Cardinality(s \cap voters) > Cardinality(voters)

\* The definition: a majority of voters and, while joint, of outgoing.
ConfigQuorum(c, s) ==
    /\ Majority(s, c.voters)
    /\ IsJoint(c) => Majority(s, c.outgoing)

\* The quorum the algorithm counts (a mutant replaces this one only, so
\* the invariants below keep the true definition).
HasQuorum(c, s) == ConfigQuorum(c, s)

----------------------------------------------------------------------------
(* Changes (ConfChangeV2-style): a sequence of [kind, node].               *)

ApplyChange(c, ch) ==
    CASE ch.kind = AddVoter ->
            [c EXCEPT !.voters = @ \cup {ch.node}, !.learners = @ \ {ch.node}]
      [] ch.kind = AddLearner ->
            [c EXCEPT !.voters = @ \ {ch.node}, !.learners = @ \cup {ch.node}]
      [] ch.kind = RemoveNode ->
            [c EXCEPT !.voters = @ \ {ch.node}, !.learners = @ \ {ch.node}]

ApplyChanges(c, chs) ==
    LET F[k \in 0..Len(chs)] == IF k = 0 THEN c ELSE ApplyChange(F[k - 1], chs[k])
    IN F[Len(chs)]

\* Refused changes: removing a node that is not a member (UnknownNode), or
\* leaving no voter (RemoveLastVoter).
ChangeAllowed(c, chs) ==
    /\ Len(chs) >= 1
    /\ \A k \in 1..Len(chs) :
          chs[k].kind = RemoveNode => chs[k].node \in c.voters \cup c.learners
    /\ ApplyChanges(c, chs).voters /= {}

\* The 2015 rule: the leader has committed an entry of its own term.
CommittedInTerm(i) ==
    \E k \in 1..commitIndex[i] : log[i][k].term = currentTerm[i]

\* ConfChangeInProgress otherwise.
NoChangeInProgress(i) ==
    /\ LastConfigIndex(log[i]) <= commitIndex[i]
    /\ ~IsJoint(Config(i))

AppendConfig(i, c) ==
    /\ log' = [log EXCEPT ![i] = Append(@, ConfigEntry(currentTerm[i], c))]
    /\ UNCHANGED <<messages, proofVars, serverVars, commitIndex,
                   candidateVars, leaderVars>>

----------------------------------------------------------------------------
(* Actions.                                                                *)

\* A change of at most one voter is simple: the new configuration
\* directly. Anything else, or any change asked to go joint (forceJoint),
\* goes through a joint configuration (EnterJoint): the new voters, with
\* the old ones outgoing.
VotersChanged(old, new) == Cardinality((old.voters \ new.voters) \cup (new.voters \ old.voters))

ProposeConfChange(i, chs, forceJoint) ==
    /\ state[i] = Leader
    /\ CommittedInTerm(i)
    /\ NoChangeInProgress(i)
    /\ ChangeAllowed(Config(i), chs)
    /\ LET old == Config(i)
           new == ApplyChanges(old, chs)
       IN AppendConfig(i, IF VotersChanged(old, new) <= 1 /\ ~forceJoint THEN new
                          ELSE [new EXCEPT !.outgoing = old.voters])

\* Once the joint entry is committed, the leader appends the final one
\* (core does so by itself, or on an explicit ProposeConfChange with no
\* changes; either way after the 2015 rule, which this superset skips).
LeaveJoint(i) ==
    /\ state[i] = Leader
    /\ IsJoint(Config(i))
    /\ LastConfigIndex(log[i]) <= commitIndex[i]
    /\ AppendConfig(i, [Config(i) EXCEPT !.outgoing = {}])

\* A leader that its own committed configuration no longer counts as a
\* voter steps down (until then it kept replicating without counting itself).
StepDownRemoved(i) ==
    /\ state[i] = Leader
    /\ i \notin VotersOf(Config(i))
    /\ LastConfigIndex(log[i]) <= commitIndex[i]
    /\ state' = [state EXCEPT ![i] = Follower]
    /\ UNCHANGED <<messages, proofVars, currentTerm, votedFor, logVars,
                   candidateVars, leaderVars>>

\* Who starts elections: a voter of its own configuration, and also a server
\* removed by a configuration entry it does not know to be committed, if it
\* was a voter of the configuration before that entry. It may be needed:
\* when the others lack the entry and their configuration needs its vote,
\* its longer log makes them refuse each other, and only it can win (by a
\* quorum of its own, newer configuration) and commit its removal. Which
\* quorum counts is what keeps elections safe, not who campaigns.
MayCampaign(lg, commit, i) ==
    \/ i \in VotersOf(ConfigOf(lg))
    \/ /\ LastConfigIndex(lg) > commit
       /\ i \in VotersOf(ConfigOf(SubSeq(lg, 1, LastConfigIndex(lg) - 1)))

ReconfigTimeout(i) ==
    /\ MayCampaign(log[i], commitIndex[i], i)
    /\ Timeout(i)

\* Votes count only from voters of the candidate's configuration.
ReconfigBecomeLeader(i) ==
    /\ state[i] = Candidate
    /\ HasQuorum(Config(i), votesGranted[i])
    /\ state'      = [state EXCEPT ![i] = Leader]
    /\ nextIndex'  = [nextIndex EXCEPT ![i] = [j \in Server |-> Len(log[i]) + 1]]
    /\ matchIndex' = [matchIndex EXCEPT ![i] = [j \in Server |-> 0]]
    /\ elections'  = elections \cup
                       {[eterm |-> currentTerm[i], eleader |-> i, elog |-> log[i]]}
    /\ UNCHANGED <<messages, commits, currentTerm, votedFor,
                   logVars, candidateVars>>

\* The indexes a quorum of the leader's configuration holds; the leader
\* counts itself only if it is a voter there.
ReplicatedOnConfigQuorum(i) ==
    {k \in 1..Len(log[i]) :
        HasQuorum(Config(i), {i} \cup {j \in Server : matchIndex[i][j] >= k})}

\* As AdvanceCommitIndex, with the configuration's quorum (section 5.4.2
\* still holds: only an entry of the current term is counted).
ReconfigAdvanceCommitIndex(i) ==
    /\ state[i] = Leader
    /\ LET replicated == ReplicatedOnConfigQuorum(i)
           newCommit  == IF /\ replicated /= {}
                            /\ log[i][MaxOf(replicated)].term = currentTerm[i]
                         THEN MaxOf(replicated)
                         ELSE commitIndex[i]
       IN /\ newCommit > commitIndex[i]
          /\ CommitUpTo(i, newCommit)
    /\ UNCHANGED <<messages, elections, serverVars, log,
                   candidateVars, leaderVars>>

----------------------------------------------------------------------------
(* Next-state relation.                                                    *)

\* Changes: any sequence in ChangeSet (a model chooses which), each
\* either as core would route it or forced through a joint configuration
\* when JointSet says so.
ReconfigStep(ChangeSet, JointSet) ==
    \/ \E i \in Server, chs \in ChangeSet, j \in JointSet : ProposeConfChange(i, chs, j)
    \/ \E i \in Server : LeaveJoint(i)
    \/ \E i \in Server : StepDownRemoved(i)

ReconfigElectionStep ==
    \/ \E i \in Server : ReconfigTimeout(i)
    \/ \E i, j \in Server : RequestVote(i, j)
    \/ \E i \in Server : ReconfigBecomeLeader(i)

ReconfigReplicationStep ==
    \/ \E i \in Server, v \in Value : ClientRequest(i, v)
    \/ \E i \in Server : ReconfigAdvanceCommitIndex(i)
    \/ \E i, j \in Server : AppendEntries(i, j)

ReconfigNext(ChangeSet) ==
    /\ \/ ReconfigStep(ChangeSet, BOOLEAN)
       \/ ReconfigElectionStep
       \/ ReconfigReplicationStep
       \/ ReceiveStep
       \/ FaultStep
    /\ RecordLogs

----------------------------------------------------------------------------
(* Invariants (with RaftInvariants' ElectionSafety, LogMatching,           *)
(* LeaderCompleteness and StateMachineSafety, which need no change).       *)

\* The configurations a log goes through, InitConfig first.
ConfigSequence(lg) ==
    LET entries == SelectSeq(lg, LAMBDA e : IsConfigEntry(e))
    IN <<InitConfig>> \o [k \in 1..Len(entries) |-> entries[k].conf]

\* Every quorum of c1 meets every quorum of c2. Quorums are upward closed,
\* so it is enough that no quorum of c1 leaves a quorum of c2 outside it.
QuorumsIntersect(c1, c2) ==
    LET members == VotersOf(c1) \cup VotersOf(c2)
    IN \A q \in SUBSET members :
          ConfigQuorum(c1, q) => ~ConfigQuorum(c2, members \ q)

\* Any two consecutive configurations in any server's log have
\* intersecting quorums (true of single-voter changes and of
\* old -> joint -> new; every log ever held was some server's log in an
\* earlier state, where this was checked too).
ConfigQuorumIntersection ==
    \A i \in Server :
        LET cs == ConfigSequence(log[i])
        IN \A k \in 1..(Len(cs) - 1) : QuorumsIntersect(cs[k], cs[k + 1])

\* An entry some leader has marked committed (the `commits` history).
KnownCommitted(lg, k) == \E c \in commits : c.index = k /\ c.entry = lg[k]

\* A leader's log holds at most one configuration entry that is not
\* committed.
OneUncommittedConfig ==
    \A i \in Server :
        state[i] = Leader =>
            Cardinality({k \in ConfigIndexes(log[i]) : ~KnownCommitted(log[i], k)}) <= 1

\* Configurations only name servers of the model.
ConfigTypeOK ==
    \A i \in Server :
        LET c == Config(i)
        IN /\ c.voters \subseteq Server /\ c.outgoing \subseteq Server
           /\ c.learners \subseteq Server /\ c.voters /= {}

=============================================================================
