-------------------------- MODULE MCRaftReconfig --------------------------
(***************************************************************************)
(* Bounded model of RaftReconfig.tla, reusing MCRaft's bounds and view.   *)
(* n3 starts outside the cluster of n1 and n2; the changes on offer add  *)
(* it as a learner, remove n1 (often the leader, so the leader removes    *)
(* itself), and swap n1 for n3 through a joint configuration.            *)
(***************************************************************************)
EXTENDS MCRaft, RaftReconfig

CONSTANT MaxConfigEntries   \* no log holds more configuration entries

Change(kind, node) == [kind |-> kind, node |-> node]

\* A learner added, the leader (often n1) removing itself by a simple
\* change, and n1 swapped for n3 through a joint configuration (which
\* promotes n3 if it is a learner by then). A simple AddVoter is the same
\* single-voter change as the removal, seen from the other side; it is
\* left out to keep the model near two minutes.
MCChanges ==
    { <<Change(AddLearner, "n3")>>,
      <<Change(RemoveNode, "n1")>>,
      <<Change(AddVoter, "n3"), Change(RemoveNode, "n1")>> }

MCInitConfig == [voters |-> {"n1", "n2"}, outgoing |-> {}, learners |-> {}]

ReconfigBound ==
    /\ StateBound
    /\ \A i \in Server : Cardinality(ConfigIndexes(log[i])) <= MaxConfigEntries

MCReconfigNext ==
    /\ \/ ReconfigStep(MCChanges, {FALSE})
       \/ ReconfigElectionStep
       \/ ReconfigReplicationStep
       \/ ReceiveStep
       \/ AllowNetworkFaults /\ NetworkFaultStep
       \/ AllowRestart /\ CrashStep
    /\ RecordLogs

MCReconfigSpec == Init /\ [][MCReconfigNext]_vars

\* A directed start for MayCampaign (MCRaftReconfigRemovedCampaign.cfg): n1
\* led term 2 with n2 (voters n1, n2), committed E1 there, then removed
\* itself (C: voters n2) before the entry reached n2. n2 campaigned in
\* term 3 and lost: n1's log is longer, and n2's configuration needs n1's
\* vote. Only n1 can end this, by campaigning although its own (newer,
\* uncommitted) configuration leaves it out: it then wins with n2 alone and
\* commits its removal. The invariants must hold on the way.
RemovedE(t) == [term |-> t, value |-> "v1"]
RemovedSelf == ConfigEntry(2, [voters |-> {"n2"}, outgoing |-> {}, learners |-> {}])
RemovedFollowerInit ==
    /\ messages       = EmptyBag
    /\ currentTerm    = [i \in Server |-> IF i = "n3" THEN 1 ELSE 3]
    /\ state          = [i \in Server |-> Follower]
    /\ votedFor       = [i \in Server |-> IF i = "n2" THEN "n2" ELSE Nil]
    /\ log            = [i \in Server |-> CASE i = "n1" -> <<RemovedE(2), RemovedSelf>>
                                          [] i = "n2" -> <<RemovedE(2)>>
                                          [] OTHER    -> <<>>]
    /\ commitIndex    = [i \in Server |-> IF i = "n3" THEN 0 ELSE 1]
    /\ votesResponded = [i \in Server |-> {}]
    /\ votesGranted   = [i \in Server |-> {}]
    /\ nextIndex      = [i \in Server |-> [j \in Server |-> 1]]
    /\ matchIndex     = [i \in Server |-> [j \in Server |-> 0]]
    /\ elections      = {[eterm |-> 2, eleader |-> "n1", elog |-> <<>>]}
    /\ allLogs        = {<<>>, <<RemovedE(2)>>, <<RemovedE(2), RemovedSelf>>}
    /\ commits        = {[index |-> 1, entry |-> RemovedE(2), cterm |-> 2]}

\* Witness for that model: a server wins an election that its own
\* configuration does not count it a voter of.
NoRemovedServerElected ==
    \A e \in elections : e.eleader \in VotersOf(ConfigOf(e.elog))

\* Reachability witnesses, not safety properties: each is violated (TLC
\* exit 12) by a short behaviour if the model reaches what it names (see
\* MCRaftReconfigWitness*.cfg and docs/tla-features.md).
NoJointLeft ==
    \A i \in Server :
        ~\E k \in ConfigIndexes(log[i]) :
            /\ ~IsJoint(log[i][k].conf)
            /\ \E x \in ConfigIndexes(log[i]) : x < k /\ IsJoint(log[i][x].conf)
NoRemovedLeaderSteppedDown ==
    \A i \in Server :
        ~/\ state[i] = Follower
         /\ i \notin VotersOf(Config(i))
         /\ \E e \in elections : e.eleader = i /\ e.eterm = currentTerm[i]
NoLearnerPromoted ==
    \A i \in Server :
        ~\E k, x \in ConfigIndexes(log[i]) :
            x < k /\ "n3" \in log[i][x].conf.learners /\ "n3" \in log[i][k].conf.voters

=============================================================================
