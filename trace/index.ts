// The trace format's public surface (the `raftbed/trace` entry point): NDJSON trace events, sinks
// that write them, and readers that parse and verify them.
export * from './format';
export * from './sink';
export * from './read';
export * from './read-file';
export * from './file-sink';
export * from './compare-sink';
