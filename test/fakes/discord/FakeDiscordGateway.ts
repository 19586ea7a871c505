import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';

/**
 * The Discord gateway over WebSocket, JSON encoding, no compression, as documented:
 * HELLO -> IDENTIFY -> READY (+ GUILD_CREATE for each guild), heartbeats acked, RESUME replaying
 * what the client missed, and a way to drop the connection as Discord sometimes does.
 * https://discord.com/developers/docs/events/gateway#connection-lifecycle
 */

const OP = { DISPATCH: 0, HEARTBEAT: 1, IDENTIFY: 2, RESUME: 6, INVALID_SESSION: 9, HELLO: 10, HEARTBEAT_ACK: 11 } as const;

interface Dispatch {
  op: 0;
  t: string;
  s: number;
  d: unknown;
}

interface Session {
  id: string;
  seq: number;
  sent: Dispatch[];
  socket: WebSocket | undefined;
}

/** What the gateway needs to know about the world it serves. */
export interface GatewayWorld {
  token: string;
  applicationId: string;
  botUser: Record<string, unknown>;
  guild(): Record<string, unknown>;
  heartbeatIntervalMs: number;
}

/** Events: `identify` (d), `resume` (d), `heartbeat`, `connection` (URL query), `close` (code). */
export class FakeDiscordGateway extends EventEmitter {
  private readonly wss: WebSocketServer;
  private readonly sessions = new Map<string, Session>();
  private current: Session | undefined;
  private nextSession = 1;
  /** IDENTIFY payloads received, in order. */
  readonly identifies: Record<string, unknown>[] = [];
  /** RESUME payloads received, in order. */
  readonly resumes: Record<string, unknown>[] = [];
  /** When false, heartbeats go unanswered: the connection turns "zombie" for the client. */
  ackHeartbeats = true;

  constructor(
    server: Server,
    private readonly world: GatewayWorld,
    private readonly url: () => string,
  ) {
    super();
    this.wss = new WebSocketServer({ server });
    this.wss.on('connection', (socket, request) => this.onConnection(socket, new URL(request.url ?? '/', 'ws://x').searchParams));
  }

  private onConnection(socket: WebSocket, query: URLSearchParams): void {
    this.emit('connection', query);
    // Only v10 JSON is served; Discord closes 4012 for an invalid version.
    if (query.get('v') !== '10' || (query.get('encoding') ?? 'json') !== 'json' || query.has('compress')) {
      socket.close(4012, 'Invalid API version');
      return;
    }
    socket.on('close', (code) => this.emit('close', code));
    socket.on('message', (raw) => this.onPayload(socket, raw.toString()));
    this.send(socket, { op: OP.HELLO, d: { heartbeat_interval: this.world.heartbeatIntervalMs }, s: null, t: null });
  }

  private onPayload(socket: WebSocket, raw: string): void {
    let payload: { op: number; d: Record<string, unknown> | number | null };
    try {
      payload = JSON.parse(raw);
    } catch {
      socket.close(4002, 'Decode error');
      return;
    }
    const d = payload.d as Record<string, unknown>;
    switch (payload.op) {
      case OP.HEARTBEAT:
        this.emit('heartbeat');
        if (this.ackHeartbeats) this.send(socket, { op: OP.HEARTBEAT_ACK, d: null, s: null, t: null });
        return;
      case OP.IDENTIFY:
        this.identify(socket, d);
        return;
      case OP.RESUME:
        this.resume(socket, d);
        return;
      default:
        socket.close(4001, 'Unknown opcode');
    }
  }

  private identify(socket: WebSocket, d: Record<string, unknown>): void {
    this.identifies.push(d);
    this.emit('identify', d);
    if (d.token !== this.world.token) {
      socket.close(4004, 'Authentication failed');
      return;
    }
    if (typeof d.intents !== 'number') {
      socket.close(4013, 'Invalid intent(s)');
      return;
    }
    const session: Session = { id: `session-${this.nextSession++}`, seq: 0, sent: [], socket };
    this.sessions.set(session.id, session);
    this.current = session;
    const guild = this.world.guild();
    this.dispatch('READY', {
      v: 10,
      user: this.world.botUser,
      guilds: [{ id: guild.id, unavailable: true }],
      session_id: session.id,
      resume_gateway_url: this.url(),
      shard: [0, 1],
      application: { id: this.world.applicationId, flags: 0 },
    });
    this.dispatch('GUILD_CREATE', guild);
  }

  private resume(socket: WebSocket, d: Record<string, unknown>): void {
    this.resumes.push(d);
    this.emit('resume', d);
    const session = this.sessions.get(String(d.session_id));
    if (d.token !== this.world.token) {
      socket.close(4004, 'Authentication failed');
      return;
    }
    if (!session) {
      // d: false = the session cannot be resumed; the client must identify anew.
      this.send(socket, { op: OP.INVALID_SESSION, d: false, s: null, t: null });
      return;
    }
    session.socket = socket;
    this.current = session;
    const seq = typeof d.seq === 'number' ? d.seq : 0;
    for (const missed of session.sent.filter((m) => m.s > seq)) this.send(socket, missed);
    this.dispatch('RESUMED', null);
  }

  /** Sends a dispatch on the current session; queued for replay while the client is away. */
  dispatch(t: string, d: unknown): void {
    const session = this.current;
    if (!session) throw new Error('no gateway session: the client has not identified');
    session.seq += 1;
    const message: Dispatch = { op: OP.DISPATCH, t, s: session.seq, d };
    session.sent.push(message);
    if (session.socket && session.socket.readyState === session.socket.OPEN) this.send(session.socket, message);
  }

  /** Forgets every session, as when one expires: the next RESUME gets INVALID_SESSION (d: false). */
  forgetSessions(): void {
    this.sessions.clear();
  }

  /** True once a client has identified and its socket is open. */
  get connected(): boolean {
    const socket = this.current?.socket;
    return socket !== undefined && socket.readyState === socket.OPEN;
  }

  /**
   * Drops the live connection: with a close code (4000 "unknown error", which clients resume from)
   * or, with `undefined`, by cutting the TCP connection (the client sees 1006).
   */
  drop(code: number | undefined = 4000): void {
    const socket = this.current?.socket;
    if (!socket) throw new Error('no live gateway connection to drop');
    if (this.current) this.current.socket = undefined;
    if (code === undefined) socket.terminate();
    else socket.close(code, 'dropped by the test');
  }

  private send(socket: WebSocket, payload: unknown): void {
    socket.send(JSON.stringify(payload));
  }

  /** Closes every connection and the WebSocket server. */
  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
