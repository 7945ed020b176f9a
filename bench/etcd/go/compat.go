// go.etcd.io/raft/v3 v3.6 API: gogo-protobuf value types.
package main

import (
	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
)

type message = pb.Message

func messageTo(m message) uint64 { return m.To }

// proposal builds one MsgProp carrying n entries, as etcd's own batching layer would.
func proposal(from uint64, data []byte, n int) message {
	entries := make([]pb.Entry, n)
	for k := range entries {
		entries[k].Data = data
	}
	return pb.Message{Type: pb.MsgProp, From: from, Entries: entries}
}

// persist writes a Ready's state to storage before its messages are sent.
func persist(st *raft.MemoryStorage, rd raft.Ready) {
	if !raft.IsEmptySnap(rd.Snapshot) {
		must(st.ApplySnapshot(rd.Snapshot))
	}
	if !raft.IsEmptyHardState(rd.HardState) {
		must(st.SetHardState(rd.HardState))
	}
	if len(rd.Entries) > 0 {
		must(st.Append(rd.Entries))
	}
}

func commitIndex(rn *raft.RawNode) uint64 { return rn.BasicStatus().Commit }
