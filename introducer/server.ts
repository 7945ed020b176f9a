// The introducer: an HTTP server whose /ws endpoint introduces browser peers to each other for
// WebRTC. It relays signalling frames between nodes of the same room and nothing else.
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData, type ServerOptions } from 'ws';
import { ConnectionTable, type TrackedConnection } from './connection-table';
import { CounterSet, type IntroducerCounters } from './counters';
import { resolveOptions, type IntroducerOptions, type ResolvedOptions } from './options';
import { TokenBucket } from './rate-limit';
import { RoomRegistry } from './rooms';
import { parseClientFrame, type ErrorCode, type JoinFrame, type ServerFrame, type SignalFrame } from './schema';
import { serveStatic } from './static';
import { verifyJoinToken } from './tokens';

export { IntroducerOptionError, type IntroducerOptions } from './options';
export type { IntroducerCounters } from './counters';

export const WS_PATH = '/ws';

/** Close codes the server uses; 4000-4999 are application-defined by RFC 6455. */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  policyViolation: 1008,
  messageTooBig: 1009,
  joinRefused: 4001,
  joinTimeout: 4002,
} as const;

export interface IntroducerHandle {
  readonly port: number;
  readonly host: string;
  /** WebSocket endpoint, e.g. ws://127.0.0.1:9000/ws */
  readonly url: string;
  /** HTTP base, e.g. http://127.0.0.1:9000/ (health at /healthz, static files below it). */
  readonly httpUrl: string;
  counters(): IntroducerCounters;
  /** Runs one heartbeat round now: terminates sockets that missed the previous ping, pings the rest. */
  checkLiveness(): void;
  /** Closes every socket with 1001 and the server; idempotent. */
  stop(): Promise<void>;
}

interface Peer {
  readonly socket: WebSocket;
  readonly bucket: TokenBucket;
  strikes: number;
  /** Cleared before each ping, set by the pong. */
  alive: boolean;
  /** Set once the server has decided to close this socket; later frames are ignored. */
  closing: boolean;
  joined?: { room: string; node: string };
  joinTimer?: NodeJS.Timeout;
  /** Its entry in the connection table (absent only for sockets that bypassed accept, i.e. never). */
  admitted?: Admitted;
}

/** An accepted TCP connection, counted from accept until it closes. */
interface Admitted extends TrackedConnection {
  readonly socket: Socket;
  /** Set once the connection became a WebSocket. */
  peer?: Peer;
}

/** Where ws reports why it is about to fail a connection; mapped to rejection reasons. */
const WS_ERROR_REASONS: Record<string, string> = {
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: 'oversized',
  WS_ERR_INVALID_UTF8: 'invalid-utf8',
};

function rawDataToBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/**
 * The request path without query or fragment, deliberately not normalised: URL parsing would
 * quietly resolve "/%2e%2e/x" to "/x", and the static server should see and refuse such paths itself.
 */
function rawPathname(url: string | undefined): string | undefined {
  const target = url ?? '/';
  if (!target.startsWith('/')) return undefined; // absolute-form targets are for proxies
  return target.split(/[?#]/, 1)[0];
}

function formatHostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

class Introducer {
  private readonly peers = new Set<Peer>();
  private readonly rooms: RoomRegistry<Peer>;
  private readonly counterSet = new CounterSet();
  /** Every accepted TCP connection (HTTP, WebSocket or silent), by remote address. */
  private readonly connections: ConnectionTable<Admitted>;
  private readonly admittedBySocket = new WeakMap<object, Admitted>();
  private readonly wss: WebSocketServer;
  private heartbeat?: NodeJS.Timeout;
  /** Set synchronously when stop() is first called, before any socket is closed. */
  private isStopping = false;
  private stopped?: Promise<void>;
  private readonly startedAtMs: number;

  constructor(
    private readonly options: ResolvedOptions,
    readonly http: Server,
  ) {
    this.rooms = new RoomRegistry(options.maxRoomSize);
    this.connections = new ConnectionTable(options.maxConnections, options.maxConnectionsPerAddress);
    this.startedAtMs = options.now();
    const wssOptions: ServerOptions & { closeTimeout: number } = {
      noServer: true,
      maxPayload: options.maxPayloadBytes,
      perMessageDeflate: false, // compression invites zip bombs and costs CPU for tiny frames
      // ws 8.23 option (not yet in @types/ws): how long to wait for a peer's closing handshake
      // before destroying the socket, so a client that never answers close cannot hold a slot.
      closeTimeout: options.stopGraceMs,
    };
    this.wss = new WebSocketServer(wssOptions);
    this.wss.on('error', () => undefined); // in noServer mode it has nothing to report, but never crash
    // Ahead of the HTTP parser: a refused connection is closed before any of it is read.
    http.prependListener('connection', (socket: Socket) => this.onAccept(socket));
    http.on('request', (req, res) => void this.onRequest(req, res));
    http.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    http.on('clientError', (err: Error & { code?: string }, socket) => {
      // headersTimeoutMs / requestTimeoutMs ran out: a client too slow to send its request, or one holding a socket.
      const timedOut = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
      if (timedOut) this.counterSet.reject('request-timeout');
      if (socket.writable) socket.end(timedOut ? 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n' : 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      // Do not wait for the client to close its side: the descriptor is what a slow client is after.
      (socket as Socket).destroySoon();
    });
  }

  /** Called once listening, so a failed listen leaves no timer behind. */
  startHeartbeat(): void {
    if (this.options.heartbeatIntervalMs <= 0) return;
    this.heartbeat = setInterval(() => this.checkLiveness(), this.options.heartbeatIntervalMs);
    this.heartbeat.unref();
  }

  counters(): IntroducerCounters {
    let nodesJoined = 0;
    for (const peer of this.peers) if (peer.joined) nodesJoined += 1;
    return this.counterSet.snapshot({ connectionsOpen: this.peers.size, socketsOpen: this.connections.size, nodesJoined, rooms: this.rooms.roomCount });
  }

  checkLiveness(): void {
    for (const peer of this.peers) {
      if (peer.closing) continue; // ws's close timeout finishes these off
      if (!peer.alive) {
        this.counterSet.reject('liveness');
        peer.closing = true;
        this.leaveRoom(peer);
        peer.socket.terminate();
        continue;
      }
      peer.alive = false;
      peer.socket.ping();
    }
  }

  stop(): Promise<void> {
    if (!this.stopped) {
      this.isStopping = true;
      this.stopped = this.shutdown();
    }
    return this.stopped;
  }

  // ---- Accept: every connection is counted from here until it closes ----

  private onAccept(socket: Socket): void {
    socket.on('error', () => undefined); // a reset before or during the request must not crash the process
    const address = socket.remoteAddress;
    if (address === undefined) {
      this.counterSet.reject('no-address');
      socket.destroy();
      return;
    }
    const decision = this.connections.decide(address);
    if (!decision.admit) {
      // No response: writing one would keep the descriptor until it drains, which is the attack.
      this.counterSet.reject(decision.reason);
      socket.destroy();
      return;
    }
    if (decision.evict) this.evict(decision.evict);
    const entry: Admitted = { address, joined: false, socket };
    this.connections.add(entry);
    this.admittedBySocket.set(socket, entry);
    socket.once('close', () => this.connections.remove(entry));
  }

  /** Frees a slot held by a connection that has not joined, for an address below its fair share. */
  private evict(entry: Admitted): void {
    this.counterSet.reject('evicted');
    this.connections.remove(entry);
    const peer = entry.peer;
    if (peer) {
      peer.closing = true;
      clearTimeout(peer.joinTimer);
      peer.socket.terminate();
    } else {
      entry.socket.destroy();
    }
  }

  // ---- HTTP ----

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const pathname = rawPathname(req.url);
      if (pathname === undefined) {
        res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end('bad request target\n');
      } else if (pathname === '/healthz') {
        this.sendJson(req, res, 200, { status: this.isStopping ? 'stopping' : 'ok', uptimeMs: this.options.now() - this.startedAtMs, counters: this.counters() });
      } else if (pathname === '/config.json' && this.options.publicConfig !== undefined) {
        this.sendJson(req, res, 200, this.options.publicConfig);
      } else if (pathname === WS_PATH) {
        res.writeHead(426, { Upgrade: 'websocket', 'Content-Type': 'text/plain; charset=utf-8' }).end('WebSocket upgrade required\n');
      } else if (this.options.staticDir !== undefined) {
        await serveStatic(this.options.staticDir, pathname, req, res);
      } else {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
      }
    } catch {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end();
    }
  }

  private sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
    res.end(req.method === 'HEAD' ? undefined : text);
  }

  // ---- Upgrade: every check that can be made before a WebSocket exists is made here ----

  private refuseUpgrade(socket: Duplex, status: number, reason: string): void {
    this.counterSet.reject(reason);
    const body = `${reason}\n`;
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    // end() flushes the response; destroy soon after in case the client never closes its side.
    setTimeout(() => socket.destroy(), 1000).unref();
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined); // a reset during the handshake must not crash the process
    const pathname = rawPathname(req.url);
    if (this.isStopping) return this.refuseUpgrade(socket, 503, 'stopping');
    if (pathname !== WS_PATH) return this.refuseUpgrade(socket, 404, 'bad-path');
    const origin = req.headers.origin;
    if (origin !== undefined && this.options.allowedOrigins !== undefined && !this.options.allowedOrigins.includes(origin)) {
      return this.refuseUpgrade(socket, 403, 'origin');
    }
    // The connection was counted against the caps when it was accepted (onAccept).
    const admitted = this.admittedBySocket.get(req.socket);
    if (admitted === undefined) return this.refuseUpgrade(socket, 400, 'no-address');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, admitted));
  }

  // ---- WebSocket lifecycle ----

  private onConnection(socket: WebSocket, admitted: Admitted): void {
    const peer: Peer = {
      socket,
      admitted,
      bucket: new TokenBucket(this.options.rateLimit, this.options.now),
      strikes: 0,
      alive: true,
      closing: false,
    };
    admitted.peer = peer;
    this.peers.add(peer);
    this.counterSet.connectionsTotal += 1;
    if (this.isStopping) {
      this.closePeer(peer, CloseCode.goingAway, 'server stopping');
    }
    socket.on('error', (err: Error & { code?: string }) => {
      // ws closes the connection itself after these; we only record why.
      this.counterSet.reject(WS_ERROR_REASONS[err.code ?? ''] ?? 'protocol-error');
    });
    socket.on('pong', () => {
      peer.alive = true;
    });
    socket.on('message', (data, isBinary) => this.onMessage(peer, data, isBinary));
    socket.on('close', () => this.onClose(peer));
    if (this.options.joinTimeoutMs > 0) {
      peer.joinTimer = setTimeout(() => {
        if (!peer.joined && !peer.closing) {
          this.refuse(peer, 'join-timeout', `no join within ${this.options.joinTimeoutMs} ms`, CloseCode.joinTimeout);
        }
      }, this.options.joinTimeoutMs);
      peer.joinTimer.unref();
    }
  }

  private onClose(peer: Peer): void {
    clearTimeout(peer.joinTimer);
    this.leaveRoom(peer);
    this.peers.delete(peer);
  }

  private send(peer: Peer, frame: ServerFrame): void {
    if (peer.socket.readyState !== WebSocket.OPEN) return;
    peer.socket.send(JSON.stringify(frame));
  }

  private closePeer(peer: Peer, code: number, reason: string): void {
    peer.closing = true;
    clearTimeout(peer.joinTimer);
    // Free the slot and tell the room now, not after the closing handshake, which a hostile client can stall.
    this.leaveRoom(peer);
    peer.socket.close(code, reason);
  }

  /** Refuses a join (or an idle socket): error frame, counted by reason, then close. */
  private refuse(peer: Peer, code: ErrorCode, message: string, closeCode: number = CloseCode.joinRefused): void {
    this.counterSet.reject(code);
    this.send(peer, { type: 'error', code, message });
    this.closePeer(peer, closeCode, code);
  }

  private strike(peer: Peer, code: ErrorCode, message: string): void {
    this.counterSet.strike(code);
    peer.strikes += 1;
    this.send(peer, { type: 'error', code, message });
    if (peer.strikes >= this.options.maxStrikes) {
      this.refuse(peer, 'too-many-strikes', `closed after ${peer.strikes} strikes`, CloseCode.policyViolation);
    }
  }

  // ---- Frames ----

  private onMessage(peer: Peer, data: RawData, isBinary: boolean): void {
    if (peer.closing) return;
    this.counterSet.framesReceived += 1;
    if (!peer.bucket.tryTake()) return this.strike(peer, 'rate-limited', 'too many frames; slow down');
    if (isBinary) return this.strike(peer, 'binary-frame', 'frames must be UTF-8 JSON text');
    const parsed = parseClientFrame(rawDataToBuffer(data).toString('utf8'));
    if (!parsed.ok) return this.strike(peer, parsed.error.code, parsed.error.message);
    const frame = parsed.frame;
    switch (frame.type) {
      case 'join':
        return this.onJoin(peer, frame);
      case 'signal':
        return this.onSignal(peer, frame);
      case 'leave':
        this.leaveRoom(peer);
        return this.closePeer(peer, CloseCode.normal, 'left');
    }
  }

  private onJoin(peer: Peer, frame: JoinFrame): void {
    if (peer.joined) return this.strike(peer, 'already-joined', `already joined as ${peer.joined.node}`);
    const verdict = verifyJoinToken(this.options.secret, frame.room, frame.node, frame.expires, frame.token, this.options.now());
    if (verdict === 'bad-token') return this.refuse(peer, 'bad-token', 'join token does not match room, node and expiry');
    if (verdict === 'token-expired') return this.refuse(peer, 'token-expired', 'join token has expired');
    const outcome = this.rooms.join(frame.room, frame.node, peer);
    if (!outcome.ok) {
      const message =
        outcome.reason === 'room-full' ? `room holds at most ${this.options.maxRoomSize} nodes` : `node id ${frame.node} is already in this room`;
      return this.refuse(peer, outcome.reason, message);
    }
    clearTimeout(peer.joinTimer);
    peer.joined = { room: frame.room, node: frame.node };
    if (peer.admitted) peer.admitted.joined = true;
    this.send(peer, { type: 'joined', room: frame.room, node: frame.node, roster: outcome.roster });
    for (const other of outcome.others) this.send(other, { type: 'peer-joined', node: frame.node });
  }

  private onSignal(peer: Peer, frame: SignalFrame): void {
    const self = peer.joined;
    if (!self) return this.strike(peer, 'not-joined', 'join a room before signalling');
    if (frame.from !== undefined && frame.from !== self.node) {
      return this.strike(peer, 'spoofed-sender', `signal.from: this socket is ${self.node}, not ${frame.from.slice(0, 32)}`);
    }
    if (frame.to === self.node) return this.strike(peer, 'self-target', 'signal.to: cannot signal yourself');
    const target = this.rooms.find(self.room, frame.to);
    // Not a strike: the target may have left a moment ago.
    if (!target || target.closing) return this.send(peer, { type: 'error', code: 'unknown-target', message: `signal.to: no node ${frame.to} in this room` });
    if (target.socket.bufferedAmount > this.options.maxBufferedBytes) {
      return this.send(peer, { type: 'error', code: 'target-congested', message: `signal.to: ${frame.to} is not reading; frame dropped` });
    }
    this.send(target, { type: 'signal', from: self.node, data: frame.data });
    this.counterSet.framesRelayed += 1;
  }

  private leaveRoom(peer: Peer): void {
    const joined = peer.joined;
    if (!joined) return;
    peer.joined = undefined;
    const remaining = this.rooms.leave(joined.room, joined.node);
    if (this.isStopping) return; // everyone is being closed; announcements would only be noise
    for (const other of remaining) this.send(other, { type: 'peer-left', node: joined.node });
  }

  // ---- Shutdown ----

  private async shutdown(): Promise<void> {
    clearInterval(this.heartbeat);
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeIdleConnections();
    const sockets = [...this.peers].map((peer) => peer.socket);
    const allClosed = Promise.all(
      sockets.map((socket) => (socket.readyState === WebSocket.CLOSED ? undefined : new Promise<void>((resolve) => socket.once('close', () => resolve())))),
    );
    for (const peer of this.peers) this.closePeer(peer, CloseCode.goingAway, 'server stopping');
    let graceTimer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => {
      graceTimer = setTimeout(resolve, this.options.stopGraceMs);
    });
    await Promise.race([allClosed, graceOver]);
    clearTimeout(graceTimer);
    for (const socket of sockets) socket.terminate();
    this.wss.close();
    this.http.closeAllConnections();
    await closed;
  }
}

/** Starts an introducer; resolves once it is listening. Rejects with IntroducerOptionError on bad options. */
export async function startIntroducer(options: IntroducerOptions): Promise<IntroducerHandle> {
  const resolved = resolveOptions(options);
  const http = createServer({
    // Short limits for a request to arrive, so connections that never finish one cannot pile up.
    headersTimeout: resolved.headersTimeoutMs,
    requestTimeout: resolved.requestTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(resolved.headersTimeoutMs / 2))),
  });
  const introducer = new Introducer(resolved, http);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(resolved.port, resolved.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  http.on('error', () => undefined); // after listen, errors belong to individual connections
  introducer.startHeartbeat();
  const port = (http.address() as AddressInfo).port;
  const hostForUrl = formatHostForUrl(resolved.host);
  return {
    port,
    host: resolved.host,
    url: `ws://${hostForUrl}:${port}${WS_PATH}`,
    httpUrl: `http://${hostForUrl}:${port}/`,
    counters: () => introducer.counters(),
    checkLiveness: () => introducer.checkLiveness(),
    stop: () => introducer.stop(),
  };
}
