package main

import (
	"bytes"
	"strings"
	"testing"
)

var testOptions = Options{ElectionTimeoutTicks: 10, HeartbeatIntervalTicks: 1, PreVote: true, CheckQuorum: true}

func initInput(id string, voters []string, seed uint32, opts Options) *Input {
	return &Input{Type: "Init", Protocol: 1, ID: id, Voters: voters, Seed: seed, Options: &opts}
}

func mustNode(t *testing.T, in *Input, bug string) *Node {
	t.Helper()
	n, err := NewNode(in, bug)
	if err != nil {
		t.Fatal(err)
	}
	n.Start(&Output{})
	return n
}

// cluster is a FIFO network with storage that acknowledges every write right after its step.
type cluster struct {
	t       *testing.T
	ids     []string
	nodes   map[string]*Node
	queue   []*Message
	applied map[string][]Entry
	lines   []string
}

func newCluster(t *testing.T, size int, seed uint32, opts Options, bug string) *cluster {
	c := &cluster{t: t, nodes: map[string]*Node{}, applied: map[string][]Entry{}}
	for i := 0; i < size; i++ {
		c.ids = append(c.ids, string(rune('a'+i)))
	}
	for i, id := range c.ids {
		c.nodes[id] = mustNode(t, initInput(id, c.ids, seed*100+uint32(i), opts), bug)
	}
	return c
}

func (c *cluster) absorb(id string, out *Output) {
	var b bytes.Buffer
	out.Encode(&b)
	c.lines = append(c.lines, id+" "+b.String())
	c.queue = append(c.queue, out.Messages...)
	for _, a := range out.Apply {
		c.applied[id] = append(c.applied[id], a.Entry)
	}
	if len(out.Persist) > 0 {
		ack := &Output{}
		c.nodes[id].PersistAck(ack, out.Persist[len(out.Persist)-1].Seq)
		c.absorb(id, ack)
	}
}

func (c *cluster) round() {
	batch := c.queue
	c.queue = nil
	for _, m := range batch {
		out := &Output{}
		c.nodes[m.To].Receive(out, m)
		c.absorb(m.To, out)
	}
	for _, id := range c.ids {
		out := &Output{}
		c.nodes[id].Tick(out)
		c.absorb(id, out)
	}
}

func (c *cluster) leaders() []string {
	var ls []string
	for _, id := range c.ids {
		if c.nodes[id].role == Leader {
			ls = append(ls, id)
		}
	}
	return ls
}

func (c *cluster) runUntil(what string, done func() bool) {
	for i := 0; i < 500; i++ {
		if done() {
			return
		}
		c.round()
	}
	c.t.Fatalf("%s: not reached in 500 rounds", what)
}

func TestElectsOneLeaderAndReplicates(t *testing.T) {
	for _, opts := range []Options{testOptions, {ElectionTimeoutTicks: 5, HeartbeatIntervalTicks: 1}} {
		c := newCluster(t, 5, 3, opts, BugNone)
		c.runUntil("a leader", func() bool { return len(c.leaders()) == 1 })
		leader := c.nodes[c.leaders()[0]]
		out := &Output{}
		leader.Propose(out, "p1", []string{"x", "y"})
		c.absorb(leader.id, out)
		c.runUntil("every node applies x and y", func() bool {
			for _, id := range c.ids {
				got := c.applied[id]
				if len(got) != 3 || got[1].Data != "x" || got[2].Data != "y" || got[0].Type != "Noop" {
					return false
				}
			}
			return true
		})
	}
}

func TestResponsesWaitUntilTheVoteIsDurable(t *testing.T) {
	n := mustNode(t, initInput("b", []string{"a", "b", "c"}, 1, testOptions), BugNone)
	out := &Output{}
	n.Receive(out, &Message{Type: "RequestVoteRequest", From: "a", To: "b", Term: 1, LastLogIndex: 0, LastLogTerm: 0})
	if len(out.Messages) != 0 || len(out.Persist) != 1 || *out.Persist[0].VotedFor != "a" {
		t.Fatalf("the grant must wait for the vote's write: messages %v, persist %v", out.Messages, out.Persist)
	}
	ack := &Output{}
	n.PersistAck(ack, out.Persist[0].Seq)
	if len(ack.Messages) != 1 || !ack.Messages[0].Granted {
		t.Fatalf("the acknowledgement must release the grant, got %v", ack.Messages)
	}
}

func TestRestartKeepsTermVoteAndLog(t *testing.T) {
	vote := "a"
	in := &Input{Type: "Restart", Protocol: 1, ID: "b", Voters: []string{"a", "b", "c"}, Seed: 1, Options: &testOptions,
		Durable: &Durable{Term: 4, VotedFor: &vote, Entries: []Entry{{Term: 1, Type: "Noop"}, {Term: 4, Type: "Normal", Data: "z"}}}, LastSeq: 17}
	n, err := NewNode(in, BugNone)
	if err != nil {
		t.Fatal(err)
	}
	out := &Output{}
	n.Start(out)
	if v := out.View; v.Term != 4 || v.VotedFor != "a" || v.LastIndex != 2 || v.LastTerm != 4 || v.CommitIndex != 0 {
		t.Fatalf("restarted view %+v", v)
	}
	// It refuses a second candidate in term 4, and its next write continues the numbering.
	out = &Output{}
	n.Receive(out, &Message{Type: "RequestVoteRequest", From: "c", To: "b", Term: 4, LastLogIndex: 9, LastLogTerm: 4})
	if len(out.Messages) != 1 || out.Messages[0].Granted {
		t.Fatalf("voted twice in term 4: %v", out.Messages)
	}
	out = &Output{}
	n.Receive(out, &Message{Type: "RequestVoteRequest", From: "c", To: "b", Term: 5, LastLogIndex: 9, LastLogTerm: 4, Transfer: true})
	if len(out.Persist) != 1 || out.Persist[0].Seq != 18 {
		t.Fatalf("records must continue after lastSeq 17: %+v", out.Persist)
	}
}

func TestRefusesWhatItCannotDo(t *testing.T) {
	cases := map[string]*Input{
		"protocol version 2": {Type: "Init", Protocol: 2, ID: "a", Voters: []string{"a"}, Options: &testOptions},
		"heartbeatIntervalTicks": {Type: "Init", Protocol: 1, ID: "a", Voters: []string{"a"},
			Options: &Options{ElectionTimeoutTicks: 2, HeartbeatIntervalTicks: 2}},
		"not among the voters": {Type: "Init", Protocol: 1, ID: "z", Voters: []string{"a"}, Options: &testOptions},
		"snapshot": {Type: "Restart", Protocol: 1, ID: "a", Voters: []string{"a"}, Options: &testOptions,
			Durable: &Durable{Snapshot: []byte(`{"index":1,"term":1,"data":""}`)}},
	}
	for want, in := range cases {
		if _, err := NewNode(in, BugNone); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want an error about %q, got %v", want, err)
		}
	}
}

func TestServeWritesOneLinePerInputAndAFatalLine(t *testing.T) {
	stdin := strings.NewReader(`{"type":"Init","protocol":1,"id":"a","voters":["a"],"seed":1,"options":{"electionTimeoutTicks":3,"heartbeatIntervalTicks":1,"preVote":true,"checkQuorum":true}}
{"type":"Tick"}
{"type":"Frobnicate"}
{"type":"Tick"}
`)
	var stdout bytes.Buffer
	if code := serve(stdin, &stdout, BugNone); code != 1 {
		t.Fatalf("exit status %d, want 1", code)
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], `{"hello":`) || !strings.Contains(lines[2], `"fatal":"unknown input type \"Frobnicate\""`) {
		t.Fatalf("lines: %q", lines)
	}
}

func TestOneSeedOneTranscript(t *testing.T) {
	run := func() string {
		c := newCluster(t, 3, 7, testOptions, BugNone)
		c.runUntil("a leader", func() bool { return len(c.leaders()) == 1 })
		for i := 0; i < 20; i++ {
			c.round()
		}
		return strings.Join(c.lines, "\n")
	}
	if a, b := run(), run(); a != b {
		t.Fatal("two runs of one seed differ")
	}
}

func TestVoteTwiceBugGrantsTwoCandidatesOneTerm(t *testing.T) {
	for _, bug := range []string{BugNone, BugVoteTwice} {
		n := mustNode(t, initInput("c", []string{"a", "b", "c"}, 1, testOptions), bug)
		granted := 0
		for _, from := range []string{"a", "b"} {
			out := &Output{}
			n.Receive(out, &Message{Type: "RequestVoteRequest", From: from, To: "c", Term: 1})
			ack := &Output{}
			if len(out.Persist) > 0 {
				n.PersistAck(ack, out.Persist[0].Seq)
			}
			for _, m := range append(out.Messages, ack.Messages...) {
				if m.Granted {
					granted++
				}
			}
		}
		if want := map[string]int{BugNone: 1, BugVoteTwice: 2}[bug]; granted != want {
			t.Errorf("bug %q: %d grants in term 1, want %d", bug, granted, want)
		}
	}
}

// A leader of term 3 whose log holds entries of terms 1 and 2: replicating them to a quorum must
// not commit them until an entry of term 3 is replicated too (Figure 8). The bug commits them.
func TestCommitOldTermBugCommitsByCountingReplicas(t *testing.T) {
	for _, bug := range []string{BugNone, BugCommitOldTerm} {
		in := &Input{Type: "Restart", Protocol: 1, ID: "a", Voters: []string{"a", "b", "c"}, Seed: 1,
			Options: &Options{ElectionTimeoutTicks: 10, HeartbeatIntervalTicks: 1},
			Durable: &Durable{Term: 2, Entries: []Entry{{Term: 1, Type: "Normal", Data: "x"}, {Term: 2, Type: "Normal", Data: "y"}}}}
		n, err := NewNode(in, bug)
		if err != nil {
			t.Fatal(err)
		}
		n.Start(&Output{})
		var seq int64
		for n.role != Candidate {
			out := &Output{}
			n.Tick(out)
			if len(out.Persist) > 0 {
				seq = out.Persist[0].Seq
			}
		}
		n.PersistAck(&Output{}, seq)
		n.Receive(&Output{}, &Message{Type: "RequestVoteResponse", From: "b", To: "a", Term: 3, Granted: true})
		if n.role != Leader {
			t.Fatalf("not elected: %s", n.role)
		}
		// b holds entries 1 and 2 (not the new leader's no-op at 3); a has them durable too.
		n.PersistAck(&Output{}, n.lastSeq)
		n.Receive(&Output{}, &Message{Type: "AppendEntriesResponse", From: "b", To: "a", Term: 3, Success: true, MatchIndex: 2, Ext: &MsgExt{Round: 1}})
		want := map[string]int64{BugNone: 0, BugCommitOldTerm: 2}[bug]
		if n.commitIndex != want {
			t.Errorf("bug %q: commit index %d, want %d", bug, n.commitIndex, want)
		}
	}
}
