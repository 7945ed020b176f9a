// go.etcd.io/raft/v3 v3.7 API: google.golang.org/protobuf pointer types.
package main

import (
	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
)

type message = *pb.Message

func messageTo(m message) uint64 { return m.GetTo() }

// proposal builds one MsgProp carrying n entries, as etcd's own batching layer would.
func proposal(from uint64, data []byte, n int) message {
	entries := make([]*pb.Entry, n)
	for k := range entries {
		entries[k] = &pb.Entry{Data: data}
	}
	typ := pb.MessageType_MsgProp
	return &pb.Message{Type: &typ, From: &from, Entries: entries}
}

// persist writes a Ready's state to storage before its messages are sent.
func persist(st *raft.MemoryStorage, rd raft.Ready) {
	if rd.Snapshot != nil && !raft.IsEmptySnap(rd.Snapshot) {
		must(st.ApplySnapshot(rd.Snapshot))
	}
	if rd.HardState != nil && !raft.IsEmptyHardState(rd.HardState) {
		must(st.SetHardState(rd.HardState))
	}
	if len(rd.Entries) > 0 {
		must(st.Append(rd.Entries))
	}
}

func commitIndex(rn *raft.RawNode) uint64 {
	s := rn.BasicStatus()
	return s.GetCommit()
}
