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
