-------------------------- MODULE MutantDoubleVote --------------------------
(***************************************************************************)
(* Mutant (b): a server forgets whom it voted for and grants every        *)
(* up-to-date candidate of its term, so two candidates can both gather a  *)
(* quorum in the same term. Election Safety must catch it.                *)
(***************************************************************************)
EXTENDS MutantBase

\* The bug: the votedFor check is missing from the grant condition.
ForgetfulHandleRequestVoteRequest(i, j, m) ==
    LET grant == /\ m.mterm = currentTerm[i]
                 /\ UpToDate(m.mlastLogTerm, m.mlastLogIndex, log[i])
    IN /\ m.mterm <= currentTerm[i]
       /\ votedFor' = IF grant THEN [votedFor EXCEPT ![i] = j] ELSE votedFor
       /\ Reply([mtype        |-> RequestVoteResponse,
                 mterm        |-> currentTerm[i],
                 mvoteGranted |-> grant,
                 msource      |-> i,
                 mdest        |-> j], m)
       /\ UNCHANGED <<proofVars, currentTerm, state, logVars,
                      candidateVars, leaderVars>>

\* Term 2: n1 and n2 both campaign and have voted for themselves; n3 has
\* not voted yet and is the swing vote.
SplitVoteInit ==
    DirectedState([i \in Server |-> 2],
                  ("n1" :> Candidate @@ "n2" :> Candidate @@ "n3" :> Follower),
                  ("n1" :> "n1" @@ "n2" :> "n2" @@ "n3" :> Nil),
                  [i \in Server |-> <<>>],
                  ("n1" :> {"n1"} @@ "n2" :> {"n2"} @@ "n3" :> {}),
                  FreshNext, FreshMatch, {})

SplitVoteBound == WithinBounds(2, 2)

=============================================================================
