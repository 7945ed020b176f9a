// go-raft: an independent Raft for raftbed, in Go with the standard library only. It speaks the
// raftbed node protocol (docs/node-protocol.md) on stdin and stdout: one JSON input per line in,
// exactly one JSON output per line out, until stdin ends. Diagnostics go to stderr.
//
//	go build -o go-raft . && raftbed sweep --impl-cmd "./go-raft"
//	./go-raft -bug=vote-twice   # a planted bug, for the simulator to catch
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	bug := flag.String("bug", BugNone, "plant a bug: vote-twice or commit-old-term")
	flag.Parse()
	switch *bug {
	case BugNone, BugVoteTwice, BugCommitOldTerm:
	default:
		fmt.Fprintf(os.Stderr, "go-raft: unknown -bug %q (vote-twice, commit-old-term)\n", *bug)
		os.Exit(2)
	}
	os.Exit(serve(os.Stdin, os.Stdout, *bug))
}

// serve runs the lock-step loop; it returns the process exit status.
func serve(stdin io.Reader, stdout io.Writer, bug string) int {
	in := bufio.NewReaderSize(stdin, 1<<20)
	w := bufio.NewWriterSize(stdout, 1<<16)
	var node *Node
	var buf bytes.Buffer
	for {
		line, err := in.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) == 0 {
			if err != nil {
				return 0 // stdin ended: the driver is done with this life
			}
			continue
		}
		out, ferr := step(&node, line, bug)
		buf.Reset()
		if ferr != nil {
			fatal, _ := json.Marshal(map[string]string{"fatal": ferr.Error()})
			buf.Write(fatal)
		} else {
			out.Encode(&buf)
		}
		buf.WriteByte('\n')
		w.Write(buf.Bytes())
		w.Flush()
		if ferr != nil {
			return 1
		}
	}
}

// step decodes one input line and hands it to the node.
func step(node **Node, line []byte, bug string) (*Output, error) {
	var input Input
	if err := json.Unmarshal(line, &input); err != nil {
		return nil, fmt.Errorf("input is not JSON: %v", err)
	}
	out := &Output{}
	n := *node
	if n == nil {
		if input.Type != "Init" && input.Type != "Restart" {
			return nil, fmt.Errorf("the first input must be Init or Restart, got %q", input.Type)
		}
		created, err := NewNode(&input, bug)
		if err != nil {
			return nil, err
		}
		*node = created
		created.Start(out)
		return out, nil
	}
	switch input.Type {
	case "Tick":
		n.Tick(out)
	case "Receive":
		if input.Message == nil {
			return nil, fmt.Errorf("Receive without a message")
		}
		n.Receive(out, input.Message)
	case "Propose":
		var data []string
		if err := json.Unmarshal(input.Data, &data); err != nil || len(data) == 0 {
			return nil, fmt.Errorf("Propose.data must be a non-empty list of strings")
		}
		n.Propose(out, input.RequestID, data)
	case "Read":
		n.Read(out, input.RequestID)
	case "PersistAck":
		n.PersistAck(out, input.Seq)
	case "Snapshot", "TransferLeadership":
		// Not among this node's capabilities: the driver should not send them.
		n.begin(out)
		n.fail("InvalidInput", [2]string{"reason", input.Type + " is not supported by go-raft (no such capability)"})
		n.end()
	case "Init", "Restart":
		return nil, fmt.Errorf("%s after the node started: a restart is a new process", input.Type)
	default:
		return nil, fmt.Errorf("unknown input type %q", input.Type)
	}
	return out, nil
}
