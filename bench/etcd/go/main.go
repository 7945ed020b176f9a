// The etcd-io/raft side of the side-by-side benchmark (bench/etcd/README.md): three RawNodes in
// one process, wired by a FIFO queue, every Ready persisted to MemoryStorage before its messages
// are queued, Advance after. Prints one JSON line: CPU time (getrusage, user+sys) and bytes
// allocated (runtime.MemStats.TotalAlloc) over the measured phase, per committed entry.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"runtime"
	"runtime/debug"
	"syscall"

	"go.etcd.io/raft/v3"
)

// Settings mirrored from raftbed's core/config.ts defaults and core/bench/bench-core.ts.
const (
	electionTicks      = 10
	heartbeatTicks     = 1
	maxBytesPerAppend  = 256 * 1024
	maxInflightAppends = 256
	maxInflightBytes   = 8 * 1024 * 1024
	maxUncommittedSize = 1 << 30
	payloadBytes       = 16
)

type mode struct {
	entriesPerProposal int
	proposalsInFlight  int
}

var modes = map[string]mode{
	"unbatched": {1, 1},
	"pipelined": {1, 64},
	"batched":   {64, 16},
}

type cluster struct {
	nodes   []*raft.RawNode
	storage []*raft.MemoryStorage
	queue   []message
	spare   []message
}

type silentLogger struct{ raft.Logger }

func (silentLogger) Debug(...interface{})            {}
func (silentLogger) Debugf(string, ...interface{})   {}
func (silentLogger) Info(...interface{})             {}
func (silentLogger) Infof(string, ...interface{})    {}
func (silentLogger) Warning(...interface{})          {}
func (silentLogger) Warningf(string, ...interface{}) {}

func newCluster() *cluster {
	c := &cluster{}
	peers := []raft.Peer{{ID: 1}, {ID: 2}, {ID: 3}}
	for id := uint64(1); id <= 3; id++ {
		st := raft.NewMemoryStorage()
		cfg := &raft.Config{
			ID:                        id,
			ElectionTick:              electionTicks,
			HeartbeatTick:             heartbeatTicks,
			Storage:                   st,
			MaxSizePerMsg:             maxBytesPerAppend,
			MaxInflightMsgs:           maxInflightAppends,
			MaxInflightBytes:          maxInflightBytes,
			MaxUncommittedEntriesSize: maxUncommittedSize,
			PreVote:                   true,
			CheckQuorum:               true,
			Logger:                    silentLogger{&raft.DefaultLogger{Logger: log.New(io.Discard, "", 0)}},
		}
		rn, err := raft.NewRawNode(cfg)
		must(err)
		must(rn.Bootstrap(peers))
		c.nodes = append(c.nodes, rn)
		c.storage = append(c.storage, st)
	}
	for i := range c.nodes {
		c.handleReady(i)
	}
	return c
}

// handleReady persists, then queues messages, then advances: the order the Ready contract asks
// for when storage writes are synchronous.
func (c *cluster) handleReady(i int) {
	rn := c.nodes[i]
	if !rn.HasReady() {
		return
	}
	rd := rn.Ready()
	persist(c.storage[i], rd)
	c.queue = append(c.queue, rd.Messages...)
	// The only configuration entries are Bootstrap's, which Bootstrap has applied already.
	rn.Advance(rd)
}

// deliverAll steps queued messages in FIFO order, each followed by its Ready, until quiet.
func (c *cluster) deliverAll() {
	for len(c.queue) > 0 {
		batch := c.queue
		c.queue = c.spare[:0]
		for _, m := range batch {
			i := int(messageTo(m) - 1)
			_ = c.nodes[i].Step(m)
			c.handleReady(i)
		}
		c.spare = batch[:0]
	}
}

func (c *cluster) leader() int {
	for i, rn := range c.nodes {
		if rn.BasicStatus().RaftState == raft.StateLeader {
			return i
		}
	}
	return -1
}

func (c *cluster) electLeader() int {
	for t := 0; t < 1000; t++ {
		if l := c.leader(); l >= 0 {
			c.deliverAll()
			return l
		}
		for i, rn := range c.nodes {
			rn.Tick()
			c.handleReady(i)
		}
		c.deliverAll()
	}
	panic("no leader elected")
}

// run proposes `total` entries in proposals of `m.entriesPerProposal`, `m.proposalsInFlight` at a
// time, delivering until quiet after each window, and returns how many entries committed.
func (c *cluster) run(l int, m mode, total int) int {
	rn := c.nodes[l]
	startCommit := commitIndex(rn)
	data := make([]byte, payloadBytes)
	for i := range data {
		data[i] = 'x'
	}
	proposed := 0
	for proposed < total {
		for w := 0; w < m.proposalsInFlight && proposed < total; w++ {
			must(rn.Step(proposal(uint64(l+1), data, m.entriesPerProposal)))
			c.handleReady(l)
			proposed += m.entriesPerProposal
		}
		c.deliverAll()
	}
	return int(commitIndex(rn) - startCommit)
}

func cpuMicros() float64 {
	var ru syscall.Rusage
	must(syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e3
}

func totalAlloc() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.TotalAlloc
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func main() {
	modeName := flag.String("mode", "unbatched", "unbatched | pipelined | batched")
	entries := flag.Int("entries", 20000, "entries to commit in the measured phase")
	warmup := flag.Int("warmup", 0, "entries to commit before measuring (default: entries/4)")
	label := flag.String("label", "etcd", "implementation label printed in the JSON")
	flag.Parse()
	m, ok := modes[*modeName]
	if !ok {
		fmt.Fprintf(os.Stderr, "unknown mode %q\n", *modeName)
		os.Exit(2)
	}
	if *warmup == 0 {
		*warmup = *entries / 4
	}
	version := "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "go.etcd.io/raft/v3" {
				version = d.Version
			}
		}
	}

	c := newCluster()
	// Node 1 campaigns once; the same leader serves the warm-up and the measured phase.
	must(c.nodes[0].Campaign())
	c.handleReady(0)
	l := c.electLeader()
	if got := c.run(l, m, *warmup); got < *warmup {
		panic(fmt.Sprintf("warm-up committed %d of %d", got, *warmup))
	}
	runtime.GC()

	alloc0, cpu0 := totalAlloc(), cpuMicros()
	committed := c.run(l, m, *entries)
	cpu1, alloc1 := cpuMicros(), totalAlloc()
	if committed < *entries {
		panic(fmt.Sprintf("committed %d of %d", committed, *entries))
	}
	if c.leader() != l {
		panic("leader changed during the measured phase")
	}
	out := map[string]interface{}{
		"impl":               *label,
		"version":            version,
		"mode":               *modeName,
		"entries":            committed,
		"cpuMicros":          cpu1 - cpu0,
		"allocBytes":         alloc1 - alloc0,
		"cpuMicrosPerEntry":  (cpu1 - cpu0) / float64(committed),
		"allocBytesPerEntry": float64(alloc1-alloc0) / float64(committed),
		"goVersion":          runtime.Version(),
	}
	must(json.NewEncoder(os.Stdout).Encode(out))
}
