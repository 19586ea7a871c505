import { once } from 'node:events';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeDiscord } from '../fakes/discord/FakeDiscord.js';

/**
 * Read-only endpoints the doctor calls that the shared chat fakes do not serve, answered as the
 * platforms document them, in front of the fake (every other request is forwarded to it unchanged).
 */
abstract class FrontServer {
  private readonly server: Server = createServer((req, res) => void this.route(req, res));
  private port = 0;

  constructor(private readonly upstream: string) {}

  /** Base URL of this front, to use instead of the fake's. */
  protected base(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async start(): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Answers the request and returns true, or returns false to forward it. */
  protected abstract answer(req: IncomingMessage, body: string, res: ServerResponse): boolean;

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (this.answer(req, body.toString('utf8'), res)) return;
    const target = new URL(req.url ?? '/', this.upstream);
    const forward = request(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.end(body);
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Slack channels as `conversations.info` sees them. */
export interface SlackChannelInfo {
  name: string;
  member: boolean;
  archived?: boolean;
}

/**
 * `conversations.info` in front of FakeSlack. Needs `channels:read`/`groups:read`; `scopes` lists what the
 * token was granted, and a missing one answers `missing_scope` with `needed`/`provided` as Slack does.
 * https://api.slack.com/methods/conversations.info
 */
export class SlackFront extends FrontServer {
  constructor(
    upstreamApiUrl: string,
    private readonly options: { botToken: string; channels: Record<string, SlackChannelInfo>; scopes?: string[] },
  ) {
    super(upstreamApiUrl);
  }

  /** Web API base URL with the trailing slash the WebClient expects. */
  get apiUrl(): string {
    return this.base('/api/');
  }

  protected answer(req: IncomingMessage, body: string, res: ServerResponse): boolean {
    if (req.url !== '/api/conversations.info') return false;
    const args = Object.fromEntries(new URLSearchParams(body));
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? args.token;
    if (token !== this.options.botToken) json(res, 200, { ok: false, error: 'invalid_auth' });
    else {
      const scopes = this.options.scopes ?? ['chat:write', 'commands', 'channels:read', 'groups:read'];
      const channel = this.options.channels[String(args.channel)];
      if (!scopes.includes('channels:read') || !scopes.includes('groups:read')) {
        json(res, 200, { ok: false, error: 'missing_scope', needed: 'channels:read,groups:read', provided: scopes.join(',') });
      } else if (!channel) json(res, 200, { ok: false, error: 'channel_not_found' });
      else
        json(res, 200, {
          ok: true,
          channel: {
            id: args.channel,
            name: channel.name,
            is_channel: true,
            is_archived: channel.archived ?? false,
            is_member: channel.member,
          },
        });
    }
    return true;
  }
}

/** A permission overwrite as Discord sends it (type 0 role, 1 member). */
export interface Overwrite {
  id: string;
  type: 0 | 1;
  allow: string;
  deny: string;
}

/**
 * `GET /channels/{id}`, `GET /guilds/{id}/roles`, `GET /guilds/{id}/members/{user}` and the command
 * lists, in front of FakeDiscord; the command lists answer what the fake last stored for that route.
 * https://discord.com/developers/docs/resources/channel#get-channel
 */
export class DiscordFront extends FrontServer {
  /** Overwrites of the alert channel; tests change them. */
  overwrites: Overwrite[] = [];
  /** Permission bits of @everyone (Discord's defaults include View Channel, Send Messages, Embed Links). */
  everyonePermissions = String((1n << 10n) | (1n << 11n) | (1n << 14n));

  constructor(private readonly fake: FakeDiscord) {
    super(fake.apiUrl.replace(/\/api$/, ''));
  }

  /** The REST base as `@discordjs/rest` takes it. */
  get apiUrl(): string {
    return this.base('/api');
  }

  protected answer(req: IncomingMessage, _body: string, res: ServerResponse): boolean {
    const path = (req.url ?? '').replace(/^\/api\/v10/, '');
    if (req.method !== 'GET') return false;
    const routes: [RegExp, (m: RegExpMatchArray) => [number, unknown]][] = [
      [/^\/channels\/(\d+)$/, (m) => this.channel(m[1] as string)],
      [
        /^\/guilds\/(\d+)\/roles$/,
        () => [200, [{ id: this.fake.guildId, name: '@everyone', permissions: this.everyonePermissions, position: 0 }]],
      ],
      [/^\/guilds\/(\d+)\/members\/(\d+)$/, (m) => [200, { user: { id: m[2] }, roles: [] }]],
      [/^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/, (m) => [200, this.commands(m[2] ? 'guild' : 'global')]],
    ];
    const route = routes.find(([pattern]) => pattern.test(path));
    if (!route) return false;
    if (req.headers.authorization !== `Bot ${this.fake.token}`) {
      json(res, 401, { message: '401: Unauthorized', code: 0 });
      return true;
    }
    const [status, body] = route[1](path.match(route[0]) as RegExpMatchArray);
    json(res, status, body);
    return true;
  }

  private channel(id: string): [number, unknown] {
    if (id === this.fake.otherChannelId) return [403, { message: 'Missing Access', code: 50001 }];
    if (id !== this.fake.alertChannelId) return [404, { message: 'Unknown Channel', code: 10003 }];
    return [200, { id, type: 0, guild_id: this.fake.guildId, name: 'alerts', position: 0, permission_overwrites: this.overwrites }];
  }

  private commands(route: 'guild' | 'global'): unknown[] {
    return [...this.fake.commandPuts].reverse().find((p) => p.route === route)?.body ?? [];
  }
}
