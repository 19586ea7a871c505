import { EventEmitter, once } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';

/**
 * The Discord gateway over WebSocket, JSON encoding, no compression, as documented:
 * HELLO -> IDENTIFY -> READY (+ GUILD_CREATE for each guild), heartbeats acked, RESUME replaying
 * what the client missed, and what Discord does to a client on its own: RECONNECT (op 7), a
 * heartbeat request (op 1), INVALID_SESSION (op 9, resumable or not), closing a connection that
 * stopped heartbeating, or simply dropping it.
 * https://discord.com/developers/docs/events/gateway#connection-lifecycle
 */

const OP = {
  DISPATCH: 0,
  HEARTBEAT: 1,
  IDENTIFY: 2,
  RESUME: 6,
  RECONNECT: 7,
  INVALID_SESSION: 9,
  HELLO: 10,
  HEARTBEAT_ACK: 11,
} as const;

/**
 * The path of `resume_gateway_url`: Discord gives each session a resume URL of its own, to be used
 * instead of the connect URL ("If your app doesn't use the resume_gateway_url when reconnecting, it
 * will experience disconnects at a higher rate"), so resumes record which one they came on.
 * https://discord.com/developers/docs/events/gateway#preparing-to-resume
 */
const RESUME_PATH = '/resume';

/**
 * After op 7: "A few seconds after the reconnect event is dispatched, the connection may be closed
 * by the server." https://discord.com/developers/docs/events/gateway-events#reconnect
 */
const RECONNECT_GRACE_MS = 5000;

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
  /** The connection events go out on; none while the client is away (events wait for the replay). */
  socket: WebSocket | undefined;
}

/** A RESUME the gateway received, and whether it came on the session's `resume_gateway_url`. */
export interface ReceivedResume {
  d: Record<string, unknown>;
  viaResumeUrl: boolean;
}

/** What the gateway needs to know about the world it serves. */
export interface GatewayWorld {
  token: string;
  applicationId: string;
  botUser: Record<string, unknown>;
  guild(): Record<string, unknown>;
  heartbeatIntervalMs: number;
  /** How long a connection may go without a heartbeat before the gateway closes it. */
  heartbeatTimeoutMs: number;
}

/**
 * Events: `identify` (d), `resume` (d, viaResumeUrl), `heartbeat` (d: the client's last sequence),
 * `heartbeatTimeout` (a connection closed for missing heartbeats), `connection` (URL query), `close` (code).
 */
export class FakeDiscordGateway extends EventEmitter {
  private readonly wss: WebSocketServer;
  private readonly sessions = new Map<string, Session>();
  private readonly heartbeatDeadlines = new Map<WebSocket, NodeJS.Timeout>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private current: Session | undefined;
  private nextSession = 1;
  /** IDENTIFY payloads received, in order. */
  readonly identifies: Record<string, unknown>[] = [];
  /** RESUME payloads received, in order. */
  readonly resumes: ReceivedResume[] = [];
  /** When false, heartbeats go unanswered: the connection turns "zombie" for the client. */
  ackHeartbeats = true;
  /**
   * When false, the client's heartbeats never arrive (its uplink or its event loop stalled): the
   * gateway closes the connection once `heartbeatTimeoutMs` passes without one.
   */
  hearHeartbeats = true;

  constructor(
    server: Server,
    private readonly world: GatewayWorld,
    private readonly url: () => string,
  ) {
    super();
    this.wss = new WebSocketServer({ server });
    this.wss.on('connection', (socket, request) => this.onConnection(socket, request));
  }

  private onConnection(socket: WebSocket, request: IncomingMessage): void {
    const url = new URL(request.url ?? '/', 'ws://x');
    const query = url.searchParams;
    this.emit('connection', query);
    // Only v10 JSON is served; Discord closes 4012 for an invalid version.
    if (query.get('v') !== '10' || (query.get('encoding') ?? 'json') !== 'json' || query.has('compress')) {
      socket.close(4012, 'Invalid API version');
      return;
    }
    const viaResumeUrl = url.pathname === RESUME_PATH;
    socket.on('close', (code) => {
      this.stopWatchingHeartbeats(socket);
      this.emit('close', code);
    });
    socket.on('message', (raw) => this.onPayload(socket, raw.toString(), viaResumeUrl));
    this.send(socket, { op: OP.HELLO, d: { heartbeat_interval: this.world.heartbeatIntervalMs }, s: null, t: null });
    this.watchHeartbeats(socket);
  }

  private onPayload(socket: WebSocket, raw: string, viaResumeUrl: boolean): void {
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
        if (!this.hearHeartbeats) return;
        this.watchHeartbeats(socket);
        this.emit('heartbeat', payload.d);
        if (this.ackHeartbeats) this.send(socket, { op: OP.HEARTBEAT_ACK, d: null, s: null, t: null });
        return;
      case OP.IDENTIFY:
        this.identify(socket, d);
        return;
      case OP.RESUME:
        this.resume(socket, d, viaResumeUrl);
        return;
      default:
        socket.close(4001, 'Unknown opcode');
    }
  }

  /**
   * "If your app fails to send a heartbeat event in time, your connection will be closed and you
   * will be forced to Resume" (https://discord.com/developers/docs/events/gateway#heartbeat-interval).
   * The docs name no close code and no tolerance: the fake closes with 4000 (Unknown error, the
   * close code the table marks reconnect and resume) and keeps the session for the resume.
   */
  private watchHeartbeats(socket: WebSocket): void {
    this.stopWatchingHeartbeats(socket);
    const deadline = setTimeout(() => {
      this.heartbeatDeadlines.delete(socket);
      if (socket.readyState !== socket.OPEN) return;
      this.detach(socket);
      this.emit('heartbeatTimeout');
      socket.close(4000, 'Heartbeat timed out');
    }, this.world.heartbeatTimeoutMs);
    deadline.unref();
    this.heartbeatDeadlines.set(socket, deadline);
  }

  private stopWatchingHeartbeats(socket: WebSocket): void {
    clearTimeout(this.heartbeatDeadlines.get(socket));
    this.heartbeatDeadlines.delete(socket);
  }

  /** Events stop going out on `socket`: they wait in their session for a resume. */
  private detach(socket: WebSocket): void {
    for (const session of this.sessions.values()) if (session.socket === socket) session.socket = undefined;
    if (this.current?.socket === socket) this.current.socket = undefined;
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
      resume_gateway_url: `${this.url()}${RESUME_PATH}`,
      shard: [0, 1],
      application: { id: this.world.applicationId, flags: 0 },
    });
    this.dispatch('GUILD_CREATE', guild);
  }

  private resume(socket: WebSocket, d: Record<string, unknown>, viaResumeUrl: boolean): void {
    this.resumes.push({ d, viaResumeUrl });
    this.emit('resume', d, viaResumeUrl);
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

  /**
   * Sends op 7 RECONNECT, as Discord does before moving a session off a host: "You should attempt
   * to reconnect and resume immediately." Nothing more goes out on this connection (events wait
   * for the resume), and it is cut a few seconds later if the client has not closed it.
   * https://discord.com/developers/docs/events/gateway-events#reconnect
   */
  requestReconnect(): void {
    const socket = this.liveSocket();
    this.send(socket, { op: OP.RECONNECT, d: null, s: null, t: null });
    this.detach(socket);
    this.later(RECONNECT_GRACE_MS, () => socket.terminate());
  }

  /**
   * Sends op 1 HEARTBEAT, which asks the client for a heartbeat "immediately ... without waiting
   * the remainder of the current interval", and resolves with the `d` (last sequence) of the next
   * heartbeat that arrives. https://discord.com/developers/docs/events/gateway#heartbeat-requests
   */
  async requestHeartbeat(): Promise<unknown> {
    const socket = this.liveSocket();
    const answered = once(this, 'heartbeat');
    this.send(socket, { op: OP.HEARTBEAT, d: null, s: null, t: null });
    const [d] = await answered;
    return d;
  }

  /**
   * Sends op 9 INVALID_SESSION on the live connection, as when "the gateway has invalidated an
   * active session and is requesting client action". `d: true`: the session may be resumed (it is
   * kept, and what is dispatched meanwhile is replayed); `d: false`: it is gone and the client must
   * identify anew. Either way nothing more goes out on this connection until the client acts.
   * https://discord.com/developers/docs/events/gateway-events#invalid-session
   * https://discord.com/developers/docs/events/gateway#resuming
   */
  invalidateSession(resumable: boolean): void {
    const socket = this.liveSocket();
    const session = this.current;
    this.send(socket, { op: OP.INVALID_SESSION, d: resumable, s: null, t: null });
    this.detach(socket);
    if (!resumable && session) this.sessions.delete(session.id);
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
    const socket = this.liveSocket();
    this.detach(socket);
    if (code === undefined) socket.terminate();
    else socket.close(code, 'dropped by the test');
  }

  private liveSocket(): WebSocket {
    const socket = this.current?.socket;
    if (!socket || socket.readyState !== socket.OPEN) throw new Error('no live gateway connection: the client has not identified');
    return socket;
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private send(socket: WebSocket, payload: unknown): void {
    socket.send(JSON.stringify(payload));
  }

  /** Closes every connection and the WebSocket server. */
  async close(): Promise<void> {
    for (const timer of [...this.timers, ...this.heartbeatDeadlines.values()]) clearTimeout(timer);
    this.timers.clear();
    this.heartbeatDeadlines.clear();
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
