// The IO half of the out-of-process driver (protocol/process-node.ts), on a worker thread.
//
// The simulator's step loop is synchronous; pipes in Node are not. So the main thread posts a
// request on a MessagePort and blocks in Atomics.wait; this worker, whose event loop stays free,
// does the pipe IO, posts the reply on the same port, then bumps a shared counter and notifies.
// The main thread wakes and takes the reply with receiveMessageOnPort. Plain JavaScript: a worker
// started from a .ts file would need a TypeScript loader in every thread.
//
// Requests: {op: 'spawn', key, command, cwd, env} | {op: 'send', key, call, line} | {op: 'stderr', key, call}
//           | {op: 'kill', key} | {op: 'close'}
// Replies:  {call, pid} | {call, line} | {call, extra} | {call, exited: {code, signal, spawnError}, stderr} | {call, stderr}
'use strict';
const { workerData } = require('node:worker_threads');
const { spawn } = require('node:child_process');

const port = workerData.port;
const signal = new Int32Array(workerData.signal);
const STDERR_TAIL_CHARS = 4000;

/** key -> { child, buffer, pending (call id or null), extra (first unsolicited line or null), exited, stderr } */
const nodes = new Map();

function reply(message) {
  port.postMessage(message);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

function killGroup(child) {
  // Detached: the child leads its own process group, so a shell wrapper and whatever it started die together.
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    try {
      child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

function exitedReply(call, node) {
  return { call, exited: node.exited, stderr: node.stderr };
}

function onSpawn(request) {
  const node = { child: null, buffer: '', pending: null, extra: null, exited: null, stderr: '' };
  nodes.set(request.key, node);
  let child;
  try {
    child = spawn(request.command, { shell: true, detached: true, cwd: request.cwd, env: request.env, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    node.exited = { code: null, signal: null, spawnError: String(e && e.message) };
    reply({ call: request.call, pid: null });
    return;
  }
  node.child = child;
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    node.buffer += chunk;
    let nl = node.buffer.indexOf('\n');
    while (nl >= 0) {
      const line = node.buffer.slice(0, nl);
      node.buffer = node.buffer.slice(nl + 1);
      if (node.pending !== null) {
        const call = node.pending;
        node.pending = null;
        reply({ call, line });
      } else if (node.extra === null) {
        node.extra = line;
      }
      nl = node.buffer.indexOf('\n');
    }
  });
  child.stderr.on('data', (chunk) => {
    node.stderr = (node.stderr + chunk).slice(-STDERR_TAIL_CHARS);
  });
  child.stdin.on('error', () => {
    // EPIPE after the child died: its 'close' event reports the exit.
  });
  child.on('error', (e) => {
    if (node.exited === null) node.exited = { code: null, signal: null, spawnError: String(e && e.message) };
    if (node.pending !== null) {
      const call = node.pending;
      node.pending = null;
      reply(exitedReply(call, node));
    }
  });
  // 'close' comes after stdout has delivered everything the child wrote.
  child.on('close', (code, sig) => {
    if (node.exited === null) node.exited = { code, signal: sig, spawnError: null };
    if (node.pending !== null) {
      const call = node.pending;
      node.pending = null;
      reply(exitedReply(call, node));
    }
  });
  reply({ call: request.call, pid: child.pid ?? null });
}

function onSend(request) {
  const node = nodes.get(request.key);
  if (node === undefined) {
    reply({ call: request.call, exited: { code: null, signal: null, spawnError: 'no such node process' }, stderr: '' });
    return;
  }
  if (node.extra !== null) {
    reply({ call: request.call, extra: node.extra });
    return;
  }
  if (node.exited !== null || node.child === null) {
    reply(exitedReply(request.call, node));
    return;
  }
  node.pending = request.call;
  node.child.stdin.write(`${request.line}\n`);
}

function onKill(request) {
  const node = nodes.get(request.key);
  if (node === undefined) return;
  nodes.delete(request.key);
  if (node.child !== null && node.exited === null) killGroup(node.child);
}

port.on('message', (request) => {
  switch (request.op) {
    case 'spawn':
      return onSpawn(request);
    case 'send':
      return onSend(request);
    case 'stderr': {
      const node = nodes.get(request.key);
      return reply({ call: request.call, stderr: node === undefined ? '' : node.stderr });
    }
    case 'kill':
      return onKill(request);
    case 'close':
      for (const key of [...nodes.keys()]) onKill({ key });
      port.close();
      return undefined;
    default:
      return undefined;
  }
});
