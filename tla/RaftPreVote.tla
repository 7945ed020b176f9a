---------------------------- MODULE RaftPreVote ----------------------------
(***************************************************************************)
(* Extension: the PreVote phase (Ongaro's dissertation, section 9.6).     *)
(* A server whose election timer fires first becomes a PreCandidate in    *)
(* its current term and asks the others whether they would vote for it in *)
(* the next term. Only with a quorum of yes answers does it start a real  *)
(* election. Neither the request nor the answer changes anybody's term,   *)
(* so a partitioned server cannot force the cluster into a new term.     *)
(* (Leader stickiness, refusing while a leader is heard from, is not      *)
(* modelled: refusing more often cannot break safety.)                    *)
(***************************************************************************)
EXTENDS Raft

PreVoteRequest  == "PreVoteRequest"
PreVoteResponse == "PreVoteResponse"

\* Servers that said yes to i's current pre-vote.
VARIABLE preVotesGranted

preVoteVars == <<preVotesGranted>>
allVars == <<vars, preVoteVars>>

PreVoteInit == Init /\ preVotesGranted = [i \in Server |-> {}]

\* The election timer fires: probe the next term instead of taking it.
StartPreVote(i) ==
    /\ state[i] \in {Follower, PreCandidate, Candidate}
    /\ state' = [state EXCEPT ![i] = PreCandidate]
    /\ preVotesGranted' = [preVotesGranted EXCEPT ![i] = {i}]
    /\ UNCHANGED <<messages, proofVars, currentTerm, votedFor, logVars,
                   candidateVars, leaderVars>>

RequestPreVote(i, j) ==
    /\ state[i] = PreCandidate
    /\ i /= j
    /\ j \notin preVotesGranted[i]
    /\ Send([mtype         |-> PreVoteRequest,
             mterm         |-> currentTerm[i] + 1,
             mlastLogTerm  |-> LastTerm(log[i]),
             mlastLogIndex |-> Len(log[i]),
             msource       |-> i,
             mdest         |-> j])
    /\ UNCHANGED <<proofVars, serverVars, logVars, candidateVars, leaderVars,
                   preVoteVars>>

\* Say yes if we would grant a real vote in that term (ignoring votedFor,
\* which is about our current term, not the proposed one). Terms stay put.
HandlePreVoteRequest(i, j, m) ==
    LET grant == /\ m.mterm > currentTerm[i]
                 /\ UpToDate(m.mlastLogTerm, m.mlastLogIndex, log[i])
    IN /\ Reply([mtype        |-> PreVoteResponse,
                 mterm        |-> m.mterm,
                 mvoteGranted |-> grant,
                 msource      |-> i,
                 mdest        |-> j], m)
       /\ UNCHANGED <<proofVars, serverVars, logVars, candidateVars,
                      leaderVars, preVoteVars>>

\* Count a yes for the pre-vote i is running now; anything else is stale.
HandlePreVoteResponse(i, j, m) ==
    /\ IF state[i] = PreCandidate /\ m.mterm = currentTerm[i] + 1 /\ m.mvoteGranted
       THEN preVotesGranted' = [preVotesGranted EXCEPT ![i] = @ \cup {j}]
       ELSE UNCHANGED preVoteVars
    /\ Discard(m)
    /\ UNCHANGED <<proofVars, serverVars, logVars, candidateVars, leaderVars>>

\* With a quorum of yes answers, start the real election (as Timeout does).
BecomeCandidate(i) ==
    /\ state[i] = PreCandidate
    /\ preVotesGranted[i] \in Quorum
    /\ state'          = [state EXCEPT ![i] = Candidate]
    /\ currentTerm'    = [currentTerm EXCEPT ![i] = @ + 1]
    /\ votedFor'       = [votedFor EXCEPT ![i] = Nil]
    /\ votesResponded' = [votesResponded EXCEPT ![i] = {}]
    /\ votesGranted'   = [votesGranted EXCEPT ![i] = {}]
    /\ preVotesGranted' = [preVotesGranted EXCEPT ![i] = {}]
    /\ UNCHANGED <<messages, proofVars, logVars, leaderVars>>

PreVoteReceive(m) ==
    \/ /\ m.mtype = PreVoteRequest
       /\ HandlePreVoteRequest(m.mdest, m.msource, m)
    \/ /\ m.mtype = PreVoteResponse
       /\ HandlePreVoteResponse(m.mdest, m.msource, m)

\* The steps this extension adds; each keeps every server's term.
PreVoteStep ==
    \/ \E i \in Server : StartPreVote(i)
    \/ \E i, j \in Server : RequestPreVote(i, j)
    \/ \E m \in DOMAIN messages : PreVoteReceive(m)

\* The base steps, except that a timeout now starts a pre-vote. Base
\* actions leave the pre-vote tallies alone.
BaseStepWithoutTimeout ==
    /\ \/ \E i, j \in Server : RequestVote(i, j)
       \/ \E i \in Server : BecomeLeader(i)
       \/ ReplicationStep
       \/ ReceiveStep
       \/ FaultStep
    /\ UNCHANGED preVoteVars

PreVoteNext ==
    /\ \/ PreVoteStep
       \/ \E i \in Server : BecomeCandidate(i)
       \/ BaseStepWithoutTimeout
    /\ RecordLogs

PreVoteSpec == PreVoteInit /\ [][PreVoteNext]_allVars

\* Action property: pre-vote traffic never changes anybody's term.
PreVoteKeepsTermsStep == PreVoteStep => UNCHANGED currentTerm
PreVoteKeepsTerms == [][PreVoteKeepsTermsStep]_allVars

=============================================================================
