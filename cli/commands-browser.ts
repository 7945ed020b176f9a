// The browser side's commands as the command line shows them: the introducer, the demo and the
// three-tab benchmark. What each does lives in cli/introducer.ts, cli/demo.ts and
// cli/bench-browser.ts, required only when it runs (no server, bundler or Chromium for --help).

/* eslint-disable @typescript-eslint/no-require-imports -- the work loads on run, not on --help */
import { InvalidArgumentError } from 'commander';
import { MIN_SECRET_BYTES, normaliseOrigin } from '../introducer/options';
import type { CommandDef } from './program';
import { EXIT_TOOL_FAILED, EXIT_TOOL_MISSING, EXIT_USAGE } from './exit-codes';

function hostName(value: string): string {
  if (value === '' || /\s/.test(value)) throw new InvalidArgumentError('It must be a host name or address.');
  return value;
}

function secret(value: string): string {
  if (Buffer.byteLength(value) < MIN_SECRET_BYTES) throw new InvalidArgumentError(`It must be at least ${MIN_SECRET_BYTES} bytes.`);
  return value;
}

function origin(value: string): string {
  try {
    return normaliseOrigin('--allow-origin', value);
  } catch {
    throw new InvalidArgumentError('It is not a valid origin (scheme://host[:port]).');
  }
}

export const INTRODUCER: CommandDef = {
  about: 'Starts the WebRTC signalling server (WebSocket endpoint /ws, health at /healthz) until SIGTERM or SIGINT.',
  flags: {
    port: { kind: 'int', min: 0, max: 65535, help: 'TCP port (default 9000; 0 picks a free port)' },
    host: { kind: 'string', value: 'HOST', parse: hostName, help: 'interface to bind (default 127.0.0.1)' },
    secret: { kind: 'string', value: 'S', parse: secret, help: `cluster secret for join tokens, >= ${MIN_SECRET_BYTES} bytes (default: $RAFTBED_INTRODUCER_SECRET, else a random one is generated and printed)` },
    static: { kind: 'string', value: 'DIR', help: 'also serve the files in DIR over HTTP' },
    'allow-origin': { kind: 'string', value: 'O', parse: origin, repeatable: true, help: 'only accept WebSocket upgrades from this Origin (repeatable)' },
    json: { kind: 'bool', help: 'print machine-readable JSON lines (listening, stopping, stopped) instead of text' },
  },
  epilog: `Exit: 0 after a clean stop; ${EXIT_USAGE} a bad setting; ${EXIT_TOOL_FAILED} the server could not start (e.g. the port is taken).`,
  run: (inv) => require('./introducer').runIntroducerCli(inv),
};

export const DEMO: CommandDef = {
  about: [
    'Starts the introducer (WebRTC signalling + the demo\'s static files) and prints one URL per node.',
    'Open each URL in its own tab of Chromium or Chrome: each runs a Raft node that keeps its log in',
    'that origin\'s localStorage and talks to the others over WebRTC data channels.',
  ].join('\n'),
  flags: {
    port: { kind: 'int', min: 0, max: 65535, help: 'HTTP/WebSocket port (default 8080; 0 picks a free one)' },
    nodes: { kind: 'choice', choices: ['3', '4', '5'], help: 'tabs, one node each (default 3)' },
    voters: { kind: 'int', min: 1, max: 5, help: 'how many of them start as voters (default all); the others open outside the configuration, to be added with the demo\'s membership buttons' },
    host: { kind: 'string', value: 'HOST', parse: hostName, help: 'interface to bind (default 127.0.0.1)' },
    json: { kind: 'bool', help: 'print one JSON line with the introducer\'s URL and port and the tab URLs' },
  },
  run: (inv) => require('./demo').runDemoCli(inv),
};

export const BENCH_BROWSER: CommandDef = {
  about: [
    'Three headless Chromium tabs run the Raft cluster over WebRTC with localStorage persistence; each',
    'tab writes with pipelining. Reports committed writes/s and p50/p99 commit latency, at a fixed',
    'rate and at saturation.',
  ].join('\n'),
  flags: {
    rate: { kind: 'number', min: 1, help: 'total writes/s of the fixed-rate phase, split over the tabs (default 6000)' },
    window: { kind: 'int', min: 1, help: 'writes in flight per tab in the saturation phase (default 2000)' },
    duration: { kind: 'number', min: 0.5, max: 600, value: 'S', help: 'measured seconds per phase (default 5)' },
    warmup: { kind: 'number', min: 0, max: 60, value: 'S', help: 'unmeasured seconds before each phase (default 1.5)' },
    keys: { kind: 'int', min: 1, help: 'distinct keys per tab (default 1000)' },
    'value-bytes': { kind: 'int', min: 0, max: 10_000, help: 'bytes per value (default 16)' },
    tick: { kind: 'number', min: 1, max: 1000, value: 'MS', help: 'Raft tick (default 30)' },
    'snapshot-every': { kind: 'int', min: 10, help: 'applied entries between snapshots (default 5000)' },
    json: { kind: 'bool', help: 'print one JSON object instead of a table' },
  },
  epilog: `Exit: 0 measured; ${EXIT_TOOL_MISSING} Chromium missing; ${EXIT_TOOL_FAILED} a tab failed to start or a phase did not finish.`,
  run: (inv) => require('./bench-browser').runBrowserBenchCli(inv),
};
