package main

// The raftbed node protocol, version 1 (docs/node-protocol.md), as Go values: what arrives on
// stdin and what goes back on stdout. Encoding is written out by hand so that field order is
// fixed and optional fields are left out exactly as the protocol says (absent means "unchanged"
// in a persist record, which encoding/json's omitempty cannot tell apart from zero).

import (
	"bytes"
	"encoding/json"
	"strconv"
)

const protocolVersion = 1

type Entry struct {
	Term int64  `json:"term"`
	Type string `json:"type"`
	Data string `json:"data"`
}

type Options struct {
	ElectionTimeoutTicks   int  `json:"electionTimeoutTicks"`
	HeartbeatIntervalTicks int  `json:"heartbeatIntervalTicks"`
	PreVote                bool `json:"preVote"`
	CheckQuorum            bool `json:"checkQuorum"`
}

type Durable struct {
	Term     int64           `json:"term"`
	VotedFor *string         `json:"votedFor"`
	Snapshot json.RawMessage `json:"snapshot"`
	Entries  []Entry         `json:"entries"`
}

// Input is every input kind in one struct; Type says which fields mean something.
type Input struct {
	Type     string                     `json:"type"`
	Protocol int                        `json:"protocol"`
	ID       string                     `json:"id"`
	Voters   []string                   `json:"voters"`
	Seed     uint32                     `json:"seed"`
	Options  *Options                   `json:"options"`
	Impl     map[string]json.RawMessage `json:"impl"`
	Durable  *Durable                   `json:"durable"`
	LastSeq  int64                      `json:"lastSeq"`
	Message  *Message                   `json:"message"`
	// Propose carries a list of commands, Snapshot one string: decoded per type.
	Data      json.RawMessage `json:"data"`
	RequestID string          `json:"requestId"`
	Seq       int64           `json:"seq"`
	Index     int64           `json:"index"`
	To        string          `json:"to"`
}

// MsgExt holds this implementation's private message fields. The protocol routes `ext` without
// reading it, so only other go-raft nodes ever see these.
type MsgExt struct {
	// Round is the leader's heartbeat round, echoed by responses: ReadIndex counts confirmations with it.
	Round int64 `json:"round"`
	// ConflictIndex and ConflictTerm are the follower's backtracking hint on a rejected append.
	ConflictIndex int64 `json:"conflictIndex,omitempty"`
	ConflictTerm  int64 `json:"conflictTerm,omitempty"`
}

// Message is every message type in one struct; Type says which fields are sent.
type Message struct {
	Type         string  `json:"type"`
	Name         string  `json:"name"`
	From         string  `json:"from"`
	To           string  `json:"to"`
	Term         int64   `json:"term"`
	LastLogIndex int64   `json:"lastLogIndex"`
	LastLogTerm  int64   `json:"lastLogTerm"`
	Transfer     bool    `json:"transfer"`
	Granted      bool    `json:"granted"`
	PrevLogIndex int64   `json:"prevLogIndex"`
	PrevLogTerm  int64   `json:"prevLogTerm"`
	Entries      []Entry `json:"entries"`
	LeaderCommit int64   `json:"leaderCommit"`
	Success      bool    `json:"success"`
	MatchIndex   int64   `json:"matchIndex"`
	Ext          *MsgExt `json:"ext"`
}

// obj writes one JSON object, fields in the order they are added.
type obj struct {
	b     *bytes.Buffer
	first bool
}

func newObj(b *bytes.Buffer) *obj {
	b.WriteByte('{')
	return &obj{b: b, first: true}
}

func (o *obj) key(k string) {
	if !o.first {
		o.b.WriteByte(',')
	}
	o.first = false
	o.b.WriteByte('"')
	o.b.WriteString(k)
	o.b.WriteString(`":`)
}

func (o *obj) str(k, v string) {
	o.key(k)
	writeString(o.b, v)
}

func (o *obj) num(k string, v int64) {
	o.key(k)
	o.b.WriteString(strconv.FormatInt(v, 10))
}

func (o *obj) boolean(k string, v bool) {
	o.key(k)
	o.b.WriteString(strconv.FormatBool(v))
}

func (o *obj) nodeOrNull(k, v string) {
	o.key(k)
	if v == "" {
		o.b.WriteString("null")
	} else {
		writeString(o.b, v)
	}
}

func (o *obj) raw(k string, f func(*bytes.Buffer)) {
	o.key(k)
	f(o.b)
}

func (o *obj) end() { o.b.WriteByte('}') }

func writeString(b *bytes.Buffer, s string) {
	enc, _ := json.Marshal(s) // never fails for a string
	b.Write(enc)
}

func writeEntry(b *bytes.Buffer, e Entry) {
	o := newObj(b)
	o.num("term", e.Term)
	o.str("type", e.Type)
	o.str("data", e.Data)
	o.end()
}

func writeEntries(b *bytes.Buffer, entries []Entry) {
	b.WriteByte('[')
	for i, e := range entries {
		if i > 0 {
			b.WriteByte(',')
		}
		writeEntry(b, e)
	}
	b.WriteByte(']')
}

func writeList[T any](o *obj, k string, items []T, write func(*bytes.Buffer, T)) {
	if len(items) == 0 {
		return
	}
	o.raw(k, func(b *bytes.Buffer) {
		b.WriteByte('[')
		for i, it := range items {
			if i > 0 {
				b.WriteByte(',')
			}
			write(b, it)
		}
		b.WriteByte(']')
	})
}

// Encode writes the message with exactly the fields of its type.
func (m *Message) Encode(b *bytes.Buffer) {
	o := newObj(b)
	o.str("type", m.Type)
	o.str("from", m.From)
	o.str("to", m.To)
	o.num("term", m.Term)
	switch m.Type {
	case "RequestVoteRequest":
		o.num("lastLogIndex", m.LastLogIndex)
		o.num("lastLogTerm", m.LastLogTerm)
		o.boolean("transfer", m.Transfer)
	case "PreVoteRequest":
		o.num("lastLogIndex", m.LastLogIndex)
		o.num("lastLogTerm", m.LastLogTerm)
	case "RequestVoteResponse", "PreVoteResponse":
		o.boolean("granted", m.Granted)
	case "AppendEntriesRequest":
		o.num("prevLogIndex", m.PrevLogIndex)
		o.num("prevLogTerm", m.PrevLogTerm)
		o.raw("entries", func(b *bytes.Buffer) { writeEntries(b, m.Entries) })
		o.num("leaderCommit", m.LeaderCommit)
	case "AppendEntriesResponse":
		o.boolean("success", m.Success)
		o.num("matchIndex", m.MatchIndex)
	}
	if m.Ext != nil {
		ext, _ := json.Marshal(m.Ext)
		o.raw("ext", func(b *bytes.Buffer) { b.Write(ext) })
	}
	o.end()
}

// PersistRecord is one write. Nil pointers are parts this write leaves unchanged.
type PersistRecord struct {
	Seq          int64
	Term         *int64
	VotedFor     *string // points to "" for "voted for nobody"
	TruncateFrom *int64
	AppendFrom   int64
	Entries      []Entry
}

func (r *PersistRecord) Encode(b *bytes.Buffer) {
	o := newObj(b)
	o.num("seq", r.Seq)
	if r.Term != nil {
		o.num("term", *r.Term)
	}
	if r.VotedFor != nil {
		o.nodeOrNull("votedFor", *r.VotedFor)
	}
	if r.TruncateFrom != nil {
		o.num("truncateFrom", *r.TruncateFrom)
	}
	if len(r.Entries) > 0 {
		o.num("appendFrom", r.AppendFrom)
		o.raw("entries", func(b *bytes.Buffer) { writeEntries(b, r.Entries) })
	}
	o.end()
}

type Applied struct {
	Index int64
	Entry Entry
}

type ReadResult struct {
	RequestID string
	Index     int64
}

type Proposed struct {
	RequestID  string
	FirstIndex int64
	Count      int64
	Term       int64
}

// NodeError is one of the protocol's error objects; Fields are written in order after "type".
type NodeError struct {
	Type   string
	Fields [][2]string // key, value; a value of "\x00" is written as null
}

type View struct {
	Term          int64
	Role          string
	VotedFor      string
	CommitIndex   int64
	Leader        string
	LastIndex     int64
	LastTerm      int64
	SnapshotIndex int64
}

// Output is the one line a node writes per input.
type Output struct {
	Hello    bool
	Messages []*Message
	Persist  []*PersistRecord
	Apply    []Applied
	Reads    []ReadResult
	Proposed []Proposed
	Errors   []NodeError
	Actions  []string
	View     View
}

// Capabilities this implementation has (no snapshots, no leadership transfer).
var capabilities = []string{"preVote", "checkQuorum", "actions"}

func (out *Output) Encode(b *bytes.Buffer) {
	o := newObj(b)
	if out.Hello {
		o.raw("hello", func(b *bytes.Buffer) {
			h := newObj(b)
			h.num("protocol", protocolVersion)
			h.str("implementation", "go-raft/0.1")
			caps, _ := json.Marshal(capabilities)
			h.raw("capabilities", func(b *bytes.Buffer) { b.Write(caps) })
			h.end()
		})
	}
	writeList(o, "messages", out.Messages, func(b *bytes.Buffer, m *Message) { m.Encode(b) })
	writeList(o, "persist", out.Persist, func(b *bytes.Buffer, r *PersistRecord) { r.Encode(b) })
	writeList(o, "apply", out.Apply, func(b *bytes.Buffer, a Applied) {
		x := newObj(b)
		x.num("index", a.Index)
		x.raw("entry", func(b *bytes.Buffer) { writeEntry(b, a.Entry) })
		x.end()
	})
	writeList(o, "reads", out.Reads, func(b *bytes.Buffer, r ReadResult) {
		x := newObj(b)
		x.str("requestId", r.RequestID)
		x.num("index", r.Index)
		x.end()
	})
	writeList(o, "proposed", out.Proposed, func(b *bytes.Buffer, p Proposed) {
		x := newObj(b)
		x.str("requestId", p.RequestID)
		x.num("firstIndex", p.FirstIndex)
		x.num("count", p.Count)
		x.num("term", p.Term)
		x.end()
	})
	writeList(o, "errors", out.Errors, func(b *bytes.Buffer, e NodeError) {
		x := newObj(b)
		x.str("type", e.Type)
		for _, f := range e.Fields {
			if f[1] == "\x00" {
				x.nodeOrNull(f[0], "")
			} else {
				x.str(f[0], f[1])
			}
		}
		x.end()
	})
	writeList(o, "actions", out.Actions, func(b *bytes.Buffer, a string) { writeString(b, a) })
	o.raw("view", func(b *bytes.Buffer) {
		v := newObj(b)
		v.num("term", out.View.Term)
		v.str("role", out.View.Role)
		v.nodeOrNull("votedFor", out.View.VotedFor)
		v.num("commitIndex", out.View.CommitIndex)
		v.nodeOrNull("leader", out.View.Leader)
		v.num("lastIndex", out.View.LastIndex)
		v.num("lastTerm", out.View.LastTerm)
		v.num("snapshotIndex", out.View.SnapshotIndex)
		v.end()
	})
	o.end()
}
