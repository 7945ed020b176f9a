module raftbed.example/go-raft

go 1.22
