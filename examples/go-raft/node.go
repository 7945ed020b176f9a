package main

// Raft, written from the paper (Ongaro & Ousterhout, "In Search of an Understandable Consensus
// Algorithm", and Ongaro's dissertation for PreVote, CheckQuorum and ReadIndex) against the raftbed
// node protocol. One Node is one life of one server; every method handles one protocol input and
// fills one Output. It reads no clock and no randomness but its Rng.
//
// Persistence follows the protocol's asynchronous model: each step issues at most one persist
// record, and nothing that promises durable state leaves before the driver acknowledges it.
// Requests (RequestVote, PreVote, AppendEntries) may leave at once; every response waits until all
// writes issued before it are durable; the candidate's own vote and the leader's own log count
// toward a quorum only once durable (section 10.2.1 of the dissertation).

import (
	"fmt"
	"sort"
)

const (
	Follower     = "Follower"
	PreCandidate = "PreCandidate"
	Candidate    = "Candidate"
	Leader       = "Leader"
)

// Entries per AppendEntries request.
const maxEntriesPerAppend = 64

// Bugs planted on purpose (flag -bug), for the simulator to catch.
const (
	BugNone          = ""
	BugVoteTwice     = "vote-twice"      // grant a vote without checking votedFor: two leaders in one term
	BugCommitOldTerm = "commit-old-term" // count replicas of an old-term entry to commit it (Figure 8)
)

type held struct {
	seq int64
	msg *Message
}

type written struct {
	seq       int64
	lastIndex int64
}

type pendingRead struct {
	requestID string
	index     int64
	round     int64
}

type Node struct {
	id     string
	voters []string
	peers  []string // voters but this node, in the driver's order
	opts   Options
	bug    string
	rng    *Rng

	// Persistent state (Figure 2), as written (durable or not).
	term     int64
	votedFor string  // "" for nobody
	log      []Entry // log[i-1] is the entry at index i

	// Volatile state.
	role             string
	leader           string
	commitIndex      int64
	lastApplied      int64
	electionElapsed  int
	electionTimeout  int
	heartbeatElapsed int
	granted          map[string]bool
	rejected         map[string]bool
	selfVoteSeq      int64 // the record that holds this candidacy's self-vote

	// Leader state.
	nextIndex    map[string]int64
	matchIndex   map[string]int64
	recentActive map[string]bool
	ackedRound   map[string]int64
	round        int64
	waitingReads []string // reads that arrived before an entry of this term was committed
	pendingReads []pendingRead

	// Persistence pipeline.
	lastSeq     int64
	durableSeq  int64
	durableLast int64     // the last log index as of the newest acknowledged record
	writes      []written // issued, not yet acknowledged
	held        []held    // responses waiting for durability

	// The step in progress.
	out *Output
	rec *PersistRecord
}

func quorum(n int) int { return n/2 + 1 }

// NewNode starts a life: from nothing (Init) or from durable state (Restart).
func NewNode(in *Input, bug string) (*Node, error) {
	if in.Protocol != protocolVersion {
		return nil, fmt.Errorf("protocol version %d is not supported (this node speaks %d)", in.Protocol, protocolVersion)
	}
	if in.Options == nil || in.Options.ElectionTimeoutTicks < 1 || in.Options.HeartbeatIntervalTicks < 1 ||
		in.Options.HeartbeatIntervalTicks >= in.Options.ElectionTimeoutTicks {
		return nil, fmt.Errorf("options need 1 <= heartbeatIntervalTicks < electionTimeoutTicks")
	}
	for k := range in.Impl {
		return nil, fmt.Errorf("unknown impl option %q (go-raft has none)", k)
	}
	n := &Node{id: in.ID, voters: in.Voters, opts: *in.Options, bug: bug, role: Follower}
	found := false
	for _, v := range in.Voters {
		if v == in.ID {
			found = true
		} else {
			n.peers = append(n.peers, v)
		}
	}
	if !found {
		return nil, fmt.Errorf("%s is not among the voters %v", in.ID, in.Voters)
	}
	if in.Type == "Restart" {
		d := in.Durable
		if d == nil {
			return nil, fmt.Errorf("Restart without durable state")
		}
		if len(d.Snapshot) > 0 && string(d.Snapshot) != "null" {
			return nil, fmt.Errorf("durable state holds a snapshot, and go-raft has no snapshots")
		}
		n.term = d.Term
		if d.VotedFor != nil {
			n.votedFor = *d.VotedFor
		}
		n.log = append([]Entry(nil), d.Entries...)
		n.lastSeq = in.LastSeq
		n.durableSeq = in.LastSeq
		n.durableLast = int64(len(n.log))
	}
	n.rng = NewRng(in.Seed, n.lastSeq)
	n.resetElectionTimer()
	return n, nil
}

// ---------------------------------------------------------------------------------------------
// The log and the persistence pipeline
// ---------------------------------------------------------------------------------------------

func (n *Node) lastIndex() int64 { return int64(len(n.log)) }

func (n *Node) termAt(i int64) int64 {
	if i <= 0 || i > n.lastIndex() {
		return 0
	}
	return n.log[i-1].Term
}

func (n *Node) lastTerm() int64 { return n.termAt(n.lastIndex()) }

// record is this step's persist record, issued on first use.
func (n *Node) record() *PersistRecord {
	if n.rec == nil {
		n.lastSeq++
		n.rec = &PersistRecord{Seq: n.lastSeq}
		n.out.Persist = append(n.out.Persist, n.rec)
	}
	return n.rec
}

// setHardState writes term and vote together: a vote never carries into another term.
func (n *Node) setHardState(term int64, votedFor string) {
	n.term, n.votedFor = term, votedFor
	r := n.record()
	t, v := term, votedFor
	r.Term, r.VotedFor = &t, &v
}

func (n *Node) truncateFrom(i int64) {
	if i > n.lastIndex() {
		return
	}
	n.action("TruncateLog")
	n.log = n.log[:i-1]
	r := n.record()
	if len(r.Entries) > 0 && i >= r.AppendFrom {
		r.Entries = r.Entries[:i-r.AppendFrom]
		return
	}
	r.Entries = nil
	if r.TruncateFrom == nil || i < *r.TruncateFrom {
		t := i
		r.TruncateFrom = &t
	}
}

func (n *Node) appendEntries(entries []Entry) {
	r := n.record()
	if len(r.Entries) == 0 {
		r.AppendFrom = n.lastIndex() + 1
	}
	r.Entries = append(r.Entries, entries...)
	n.log = append(n.log, entries...)
}

// finishStep remembers what the record issued in this step leaves the log as.
func (n *Node) finishStep() {
	if n.rec != nil {
		n.writes = append(n.writes, written{seq: n.rec.Seq, lastIndex: n.lastIndex()})
	}
}

func (n *Node) send(m *Message) { n.out.Messages = append(n.out.Messages, m) }

// respond sends a response once every write issued so far is durable (persist before send).
func (n *Node) respond(m *Message) {
	if n.durableSeq < n.lastSeq {
		n.held = append(n.held, held{seq: n.lastSeq, msg: m})
		return
	}
	n.send(m)
}

func (n *Node) action(name string) { n.out.Actions = append(n.out.Actions, name) }

func (n *Node) fail(kind string, fields ...[2]string) {
	n.out.Errors = append(n.out.Errors, NodeError{Type: kind, Fields: fields})
}

func orNull(id string) string {
	if id == "" {
		return "\x00"
	}
	return id
}

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

func (n *Node) begin(out *Output) {
	n.out = out
	n.rec = nil
}

func (n *Node) end() {
	n.finishStep()
	n.out.View = View{
		Term: n.term, Role: n.role, VotedFor: n.votedFor, CommitIndex: n.commitIndex, Leader: n.leader,
		LastIndex: n.lastIndex(), LastTerm: n.lastTerm(), SnapshotIndex: 0,
	}
	n.out = nil
	n.rec = nil
}

// Start answers Init or Restart: the node exists, nothing has happened yet.
func (n *Node) Start(out *Output) {
	n.begin(out)
	out.Hello = true
	n.end()
}

func (n *Node) Tick(out *Output) {
	n.begin(out)
	defer n.end()
	n.electionElapsed++
	if n.role == Leader {
		n.tickLeader()
		return
	}
	if n.electionElapsed >= n.electionTimeout {
		n.campaign()
	}
}

func (n *Node) tickLeader() {
	if n.electionElapsed >= n.opts.ElectionTimeoutTicks {
		n.electionElapsed = 0
		if n.opts.CheckQuorum && !n.heardFromQuorum() {
			n.action("CheckQuorumStepDown")
			n.becomeFollower(n.term, "")
			return
		}
	}
	n.heartbeatElapsed++
	if n.heartbeatElapsed >= n.opts.HeartbeatIntervalTicks {
		n.heartbeatElapsed = 0
		n.broadcastAppend()
	}
}

// heardFromQuorum: CheckQuorum (dissertation 6.2). Activity is reset for the next round.
func (n *Node) heardFromQuorum() bool {
	active := 1
	for _, p := range n.peers {
		if n.recentActive[p] {
			active++
		}
		n.recentActive[p] = false
	}
	return active >= quorum(len(n.voters))
}

func (n *Node) Propose(out *Output, requestID string, data []string) {
	n.begin(out)
	defer n.end()
	if n.role != Leader {
		n.fail("NotLeader", [2]string{"requestId", requestID}, [2]string{"leaderHint", orNull(n.leader)})
		return
	}
	n.action("ClientRequest")
	first := n.lastIndex() + 1
	entries := make([]Entry, len(data))
	for i, d := range data {
		entries[i] = Entry{Term: n.term, Type: "Normal", Data: d}
	}
	n.appendEntries(entries)
	out.Proposed = append(out.Proposed, Proposed{RequestID: requestID, FirstIndex: first, Count: int64(len(data)), Term: n.term})
	for _, p := range n.peers {
		n.sendAppend(p)
	}
}

// Read is ReadIndex (dissertation 6.4): the leader notes its commit index, confirms with a
// heartbeat round that it still leads, and serves the read once that index is applied. Followers
// send the client to the leader.
func (n *Node) Read(out *Output, requestID string) {
	n.begin(out)
	defer n.end()
	if n.role != Leader {
		n.fail("ReadFailed", [2]string{"requestId", requestID}, [2]string{"reason", "NotLeader"}, [2]string{"leaderHint", orNull(n.leader)})
		return
	}
	n.action("ReadIndex")
	if n.termAt(n.commitIndex) != n.term {
		// Step 1 of 6.4: until an entry of this term commits, the commit index may be stale.
		n.waitingReads = append(n.waitingReads, requestID)
		return
	}
	n.pendingReads = append(n.pendingReads, pendingRead{requestID: requestID, index: n.commitIndex, round: n.round + 1})
	n.confirmReads()
}

func (n *Node) PersistAck(out *Output, seq int64) {
	n.begin(out)
	defer n.end()
	if seq > n.lastSeq {
		n.fail("InvalidInput", [2]string{"reason", fmt.Sprintf("PersistAck seq %d was never issued (last %d)", seq, n.lastSeq)})
		return
	}
	if seq <= n.durableSeq {
		return
	}
	n.action("PersistAck")
	n.durableSeq = seq
	for len(n.writes) > 0 && n.writes[0].seq <= seq {
		n.durableLast = n.writes[0].lastIndex
		n.writes = n.writes[1:]
	}
	for len(n.held) > 0 && n.held[0].seq <= seq {
		n.send(n.held[0].msg)
		n.held = n.held[1:]
	}
	// The candidate's own vote counts once it is durable.
	if n.role == Candidate && n.selfVoteSeq <= seq && !n.granted[n.id] {
		n.granted[n.id] = true
		n.tallyElection()
	}
	// So does the leader's own log.
	if n.role == Leader && n.durableLast > n.matchIndex[n.id] {
		n.matchIndex[n.id] = n.durableLast
		n.advanceCommit()
	}
}

// ---------------------------------------------------------------------------------------------
// Elections (section 5.2; PreVote and the leader lease of dissertation 9.6)
// ---------------------------------------------------------------------------------------------

func (n *Node) resetElectionTimer() {
	n.electionElapsed = 0
	n.electionTimeout = n.rng.Between(n.opts.ElectionTimeoutTicks, 2*n.opts.ElectionTimeoutTicks)
}

func (n *Node) campaign() {
	if n.opts.PreVote {
		n.action("PreVoteTimeout")
		n.startPreVote()
	} else {
		n.action("Timeout")
		n.startElection()
	}
}

func (n *Node) startPreVote() {
	n.role = PreCandidate
	n.leader = ""
	n.granted = map[string]bool{n.id: true}
	n.rejected = map[string]bool{}
	n.resetElectionTimer()
	if len(n.granted) >= quorum(len(n.voters)) {
		n.action("Timeout")
		n.startElection()
		return
	}
	for _, p := range n.peers {
		n.send(&Message{Type: "PreVoteRequest", From: n.id, To: p, Term: n.term + 1, LastLogIndex: n.lastIndex(), LastLogTerm: n.lastTerm()})
	}
}

func (n *Node) startElection() {
	n.role = Candidate
	n.leader = ""
	n.setHardState(n.term+1, n.id)
	n.selfVoteSeq = n.lastSeq
	n.granted = map[string]bool{}
	n.rejected = map[string]bool{}
	n.resetElectionTimer()
	n.action("RequestVote")
	for _, p := range n.peers {
		n.send(&Message{Type: "RequestVoteRequest", From: n.id, To: p, Term: n.term, LastLogIndex: n.lastIndex(), LastLogTerm: n.lastTerm()})
	}
}

func (n *Node) becomeFollower(term int64, leader string) {
	if term != n.term {
		n.setHardState(term, "")
	}
	if n.role == Leader {
		n.failPendingReads(leader)
	}
	n.role = Follower
	n.leader = leader
	n.granted, n.rejected = nil, nil
	n.resetElectionTimer()
}

func (n *Node) becomeLeader() {
	n.action("BecomeLeader")
	n.role = Leader
	n.leader = n.id
	n.granted, n.rejected = nil, nil
	n.nextIndex = map[string]int64{}
	n.matchIndex = map[string]int64{}
	n.recentActive = map[string]bool{}
	n.ackedRound = map[string]int64{}
	for _, p := range n.peers {
		n.nextIndex[p] = n.lastIndex() + 1
	}
	n.matchIndex[n.id] = n.durableLast
	n.electionElapsed = 0
	n.heartbeatElapsed = 0
	// A no-op of the new term lets the leader commit its predecessors' entries (section 5.4.2).
	n.appendEntries([]Entry{{Term: n.term, Type: "Noop", Data: ""}})
	n.broadcastAppend()
}

// upToDate: section 5.4.1, the candidate's log is at least as up-to-date as ours.
func (n *Node) upToDate(lastIndex, lastTerm int64) bool {
	return lastTerm > n.lastTerm() || (lastTerm == n.lastTerm() && lastIndex >= n.lastIndex())
}

// inLease: we heard from a leader within the minimum election timeout, so a vote request is a
// disruption from a partitioned server, not a sign the leader is gone (dissertation 4.2.3).
func (n *Node) inLease() bool {
	return n.opts.CheckQuorum && n.leader != "" && n.electionElapsed < n.opts.ElectionTimeoutTicks
}

func (n *Node) handleRequestVote(m *Message) {
	n.action("HandleRequestVoteRequest")
	free := n.votedFor == "" || n.votedFor == m.From || n.bug == BugVoteTwice
	grant := m.Term == n.term && free && n.upToDate(m.LastLogIndex, m.LastLogTerm)
	if grant {
		n.setHardState(n.term, m.From)
		n.resetElectionTimer()
	}
	n.respond(&Message{Type: "RequestVoteResponse", From: n.id, To: m.From, Term: n.term, Granted: grant})
}

func (n *Node) handlePreVote(m *Message) {
	n.action("HandlePreVoteRequest")
	grant := m.Term > n.term && n.upToDate(m.LastLogIndex, m.LastLogTerm)
	term := n.term
	if grant {
		term = m.Term // a grant echoes the proposed term; nobody adopts it
	}
	n.respond(&Message{Type: "PreVoteResponse", From: n.id, To: m.From, Term: term, Granted: grant})
}

func (n *Node) handleVoteResponse(m *Message) {
	if m.Type == "RequestVoteResponse" {
		n.action("HandleRequestVoteResponse")
		if n.role != Candidate || m.Term != n.term {
			return
		}
	} else {
		n.action("HandlePreVoteResponse")
		want := n.term
		if m.Granted {
			want = n.term + 1
		}
		if n.role != PreCandidate || m.Term != want {
			return
		}
	}
	if m.Granted {
		n.granted[m.From] = true
	} else {
		n.rejected[m.From] = true
	}
	n.tallyElection()
}

func (n *Node) tallyElection() {
	q := quorum(len(n.voters))
	switch {
	case len(n.granted) >= q && n.role == PreCandidate:
		n.action("Timeout")
		n.startElection()
	case len(n.granted) >= q && n.role == Candidate:
		n.becomeLeader()
	case len(n.rejected) >= q:
		n.becomeFollower(n.term, "")
	}
}

// ---------------------------------------------------------------------------------------------
// Replication (sections 5.3 and 5.4)
// ---------------------------------------------------------------------------------------------

func (n *Node) broadcastAppend() {
	n.round++
	n.action("AppendEntries")
	for _, p := range n.peers {
		n.sendAppend(p)
	}
}

// sendAppend sends what follows nextIndex (at most a batch) and moves nextIndex past it at once:
// a lost request shows up as a rejection of the next one, which moves it back.
func (n *Node) sendAppend(p string) {
	next := n.nextIndex[p]
	if next < 1 {
		next = 1
	}
	last := n.lastIndex()
	if last-next+1 > maxEntriesPerAppend {
		last = next + maxEntriesPerAppend - 1
	}
	var entries []Entry
	if next <= last {
		entries = append([]Entry(nil), n.log[next-1:last]...)
	}
	prev := next - 1
	n.send(&Message{
		Type: "AppendEntriesRequest", From: n.id, To: p, Term: n.term, PrevLogIndex: prev, PrevLogTerm: n.termAt(prev),
		Entries: entries, LeaderCommit: n.commitIndex, Ext: &MsgExt{Round: n.round},
	})
	n.nextIndex[p] = prev + int64(len(entries)) + 1
}

func (n *Node) handleAppendEntries(m *Message) {
	n.action("HandleAppendEntriesRequest")
	n.leader = m.From
	n.electionElapsed = 0
	round := int64(0)
	if m.Ext != nil {
		round = m.Ext.Round
	}
	prev, entries := m.PrevLogIndex, m.Entries
	// Everything up to the commit index matches the leader already (Leader Completeness).
	if prev < n.commitIndex {
		skip := n.commitIndex - prev
		if skip >= int64(len(entries)) {
			n.respond(&Message{Type: "AppendEntriesResponse", From: n.id, To: m.From, Term: n.term, Success: true, MatchIndex: n.commitIndex, Ext: &MsgExt{Round: round}})
			return
		}
		prev, entries = n.commitIndex, entries[skip:]
	} else if prev > n.lastIndex() || n.termAt(prev) != m.PrevLogTerm {
		n.respond(&Message{Type: "AppendEntriesResponse", From: n.id, To: m.From, Term: n.term, Success: false, MatchIndex: 0, Ext: n.conflictHint(prev, round)})
		return
	}
	// Skip what we hold already; cut our log at the first entry that differs (section 5.3).
	k := 0
	for ; k < len(entries); k++ {
		i := prev + 1 + int64(k)
		if i > n.lastIndex() {
			break
		}
		if n.termAt(i) != entries[k].Term {
			n.truncateFrom(i)
			break
		}
	}
	if k < len(entries) {
		n.appendEntries(append([]Entry(nil), entries[k:]...))
	}
	lastNew := prev + int64(len(entries))
	if c := min64(m.LeaderCommit, lastNew); c > n.commitIndex {
		n.action("AdvanceCommitIndex")
		n.commitIndex = c
		n.applyCommitted()
	}
	n.respond(&Message{Type: "AppendEntriesResponse", From: n.id, To: m.From, Term: n.term, Success: true, MatchIndex: lastNew, Ext: &MsgExt{Round: round}})
}

// conflictHint: where the leader should retry. Past our end: right after it. On a term mismatch:
// the first index of our conflicting term, so the leader skips that whole term in one round trip.
func (n *Node) conflictHint(prev, round int64) *MsgExt {
	if prev > n.lastIndex() {
		return &MsgExt{Round: round, ConflictIndex: n.lastIndex() + 1}
	}
	t := n.termAt(prev)
	i := prev
	for i-1 > n.commitIndex && n.termAt(i-1) == t {
		i--
	}
	return &MsgExt{Round: round, ConflictIndex: i, ConflictTerm: t}
}

func (n *Node) handleAppendResponse(m *Message) {
	n.action("HandleAppendEntriesResponse")
	n.recentActive[m.From] = true
	if m.Ext != nil && m.Ext.Round > n.ackedRound[m.From] {
		n.ackedRound[m.From] = m.Ext.Round
	}
	if m.Success {
		if m.MatchIndex > n.matchIndex[m.From] {
			n.matchIndex[m.From] = m.MatchIndex
			n.advanceCommit()
		}
		if n.nextIndex[m.From] <= n.matchIndex[m.From] {
			n.nextIndex[m.From] = n.matchIndex[m.From] + 1
		}
		// A follower catching up gets the next batch now rather than at the next heartbeat.
		if n.nextIndex[m.From] <= n.lastIndex() {
			n.sendAppend(m.From)
		}
	} else if m.Ext != nil {
		next := m.Ext.ConflictIndex
		if m.Ext.ConflictTerm > 0 {
			// If we hold entries of the follower's conflicting term, resume after our last one.
			for i := n.lastIndex(); i > 0 && n.termAt(i) >= m.Ext.ConflictTerm; i-- {
				if n.termAt(i) == m.Ext.ConflictTerm {
					next = i + 1
					break
				}
			}
		}
		if next <= n.matchIndex[m.From] {
			next = n.matchIndex[m.From] + 1
		}
		if next < 1 {
			next = 1
		}
		if next < n.nextIndex[m.From] {
			n.nextIndex[m.From] = next
			n.sendAppend(m.From)
		}
	}
	n.confirmReads()
}

// advanceCommit: the highest index stored on a quorum, committed only if it is of the current
// term (section 5.4.2). The leader's own copy counts only once durable.
func (n *Node) advanceCommit() {
	matches := make([]int64, 0, len(n.voters))
	for _, v := range n.voters {
		matches = append(matches, n.matchIndex[v])
	}
	sort.Slice(matches, func(i, j int) bool { return matches[i] > matches[j] })
	c := matches[quorum(len(n.voters))-1]
	if c <= n.commitIndex || c > n.lastIndex() {
		return
	}
	if n.termAt(c) != n.term && n.bug != BugCommitOldTerm {
		return
	}
	n.action("AdvanceCommitIndex")
	n.commitIndex = c
	n.applyCommitted()
	if len(n.waitingReads) > 0 && n.termAt(n.commitIndex) == n.term {
		for _, id := range n.waitingReads {
			n.pendingReads = append(n.pendingReads, pendingRead{requestID: id, index: n.commitIndex, round: n.round + 1})
		}
		n.waitingReads = nil
		n.confirmReads()
	}
}

func (n *Node) applyCommitted() {
	for n.lastApplied < n.commitIndex {
		n.lastApplied++
		n.out.Apply = append(n.out.Apply, Applied{Index: n.lastApplied, Entry: n.log[n.lastApplied-1]})
	}
}

// confirmReads serves pending reads whose round a quorum has answered (the leader counts itself).
func (n *Node) confirmReads() {
	kept := n.pendingReads[:0]
	for _, r := range n.pendingReads {
		acks := 1
		for _, p := range n.peers {
			if n.ackedRound[p] >= r.round {
				acks++
			}
		}
		if acks >= quorum(len(n.voters)) && n.lastApplied >= r.index {
			n.out.Reads = append(n.out.Reads, ReadResult{RequestID: r.requestID, Index: r.index})
		} else {
			kept = append(kept, r)
		}
	}
	n.pendingReads = kept
}

func (n *Node) failPendingReads(hint string) {
	for _, id := range n.waitingReads {
		n.fail("ReadFailed", [2]string{"requestId", id}, [2]string{"reason", "LeadershipLost"}, [2]string{"leaderHint", orNull(hint)})
	}
	for _, r := range n.pendingReads {
		n.fail("ReadFailed", [2]string{"requestId", r.requestID}, [2]string{"reason", "LeadershipLost"}, [2]string{"leaderHint", orNull(hint)})
	}
	n.waitingReads, n.pendingReads = nil, nil
}

// ---------------------------------------------------------------------------------------------
// Receiving (Figure 2, "Rules for Servers")
// ---------------------------------------------------------------------------------------------

func (n *Node) isPeer(id string) bool {
	for _, p := range n.peers {
		if p == id {
			return true
		}
	}
	return false
}

func (n *Node) Receive(out *Output, m *Message) {
	n.begin(out)
	defer n.end()
	if m.To != n.id || !n.isPeer(m.From) {
		n.fail("InvalidMessage", [2]string{"reason", fmt.Sprintf("from %q to %q: not a message between two voters for %s", m.From, m.To, n.id)}, [2]string{"from", m.From})
		return
	}
	if m.Term > n.term {
		voteRequest := m.Type == "PreVoteRequest" || (m.Type == "RequestVoteRequest" && !m.Transfer)
		if voteRequest && n.inLease() {
			return
		}
		// PreVote never changes a term: not the request's, not a grant's.
		if m.Type != "PreVoteRequest" && !(m.Type == "PreVoteResponse" && m.Granted) {
			n.action("UpdateTerm")
			leader := ""
			if m.Type == "AppendEntriesRequest" {
				leader = m.From
			}
			n.becomeFollower(m.Term, leader)
		}
	} else if m.Term < n.term {
		n.answerStale(m)
		return
	}
	switch m.Type {
	case "RequestVoteRequest":
		n.handleRequestVote(m)
	case "PreVoteRequest":
		n.handlePreVote(m)
	case "RequestVoteResponse", "PreVoteResponse":
		n.handleVoteResponse(m)
	case "AppendEntriesRequest":
		switch n.role {
		case Leader:
			n.fail("InvalidMessage", [2]string{"reason", fmt.Sprintf("a second leader in term %d", m.Term)}, [2]string{"from", m.From})
			return
		case Candidate, PreCandidate:
			n.becomeFollower(n.term, m.From)
		}
		n.handleAppendEntries(m)
	case "AppendEntriesResponse":
		if n.role == Leader {
			n.handleAppendResponse(m)
		}
	default:
		// TimeoutNow, InstallSnapshot and extensions: go-raft sends none of them.
	}
}

// answerStale tells a sender from an older term about the newer one (its responses are dropped).
func (n *Node) answerStale(m *Message) {
	switch m.Type {
	case "AppendEntriesRequest":
		round := int64(0)
		if m.Ext != nil {
			round = m.Ext.Round
		}
		n.send(&Message{Type: "AppendEntriesResponse", From: n.id, To: m.From, Term: n.term, Success: false, MatchIndex: 0, Ext: &MsgExt{Round: round}})
	case "RequestVoteRequest":
		n.send(&Message{Type: "RequestVoteResponse", From: n.id, To: m.From, Term: n.term, Granted: false})
	case "PreVoteRequest":
		n.send(&Message{Type: "PreVoteResponse", From: n.id, To: m.From, Term: n.term, Granted: false})
	}
}

func min64(a, b int64) int64 {
	if a < b {
		return a
	}
	return b
}
