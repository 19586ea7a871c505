import { join } from 'node:path';
import type { PapiSimulator } from '../../../src/simulator/PapiSimulator.js';
import type { FakeDiscord } from '../../fakes/discord/FakeDiscord.js';
import { freePort, type RedisServer } from '../../fakes/RedisServer.js';
import type { FakeSlack } from '../../fakes/slack/FakeSlack.js';
import { BotProcess } from '../../hardening/support/BotProcess.js';
import { binanceEnv } from '../../hardening/support/binanceEnv.js';
import { chatEnv } from '../../hardening/support/chatEnv.js';
import { HttpSwitch } from '../../hardening/support/HttpSwitch.js';

/** The brief's timing: a 1 s lease and a 1 s poll (the config's floor), so a failover is due within 2 s. */
export const HA_LEASE_MS = 1_000;
export const POLL_INTERVAL_MS = 1_000;

/** What the instances share: the exchange, both chat platforms, Redis and a directory for their (unused) lowdb files. */
export interface FleetWorld {
  sim: PapiSimulator;
  slack: FakeSlack;
  discord: FakeDiscord;
  redis: RedisServer;
  dir: string;
}

/** One forcewatch process of the fleet. */
export interface HaInstance {
  name: string;
  bot: BotProcess;
  /** Its `/healthz` and `/metrics` (METRICS_PORT). */
  opsUrl: string;
  /** The forwarder in front of the exchange that only this instance uses, when asked for (to count its requests). */
  exchange?: HttpSwitch;
}

/** True for a request for force orders (PAPI's `/papi/v1/{cm,um}/forceOrders`). */
export const isForceOrders = (path: string): boolean => path.endsWith('/forceOrders');

/** Log lines of the lease keeper (src/ha/Lease.ts) that open and close a term. */
const LEADING = 'leading the account';
const STOPPED = 'stopped leading the account';

/**
 * Several `src/main.ts` processes on one Redis (REDIS_URL, HA_LEASE_MS=1000), each with its own
 * /healthz port, against one simulator and the chat fakes: who leads is read from each process's log.
 */
export class HaFleet {
  /** Every instance started, dead ones included (their logs stay readable). */
  readonly instances: HaInstance[] = [];

  constructor(
    private readonly world: FleetWorld,
    private readonly extraEnv: Record<string, string> = {},
  ) {}

  /** Starts an instance and resolves once it logged `forcewatch started`; `countRequests` puts its own forwarder before the exchange. */
  async spawn(name: string, options: { countRequests?: boolean } = {}): Promise<HaInstance> {
    const instance = await this.launch(name, options);
    await instance.bot.waitForLine((l) => l.msg === 'forcewatch started');
    return instance;
  }

  /** Starts an instance without waiting for its start-up. */
  async launch(name: string, options: { countRequests?: boolean } = {}): Promise<HaInstance> {
    const { sim, slack, discord, redis, dir } = this.world;
    const exchange = options.countRequests ? await HttpSwitch.start(sim.url) : undefined;
    const port = await freePort();
    const bot = new BotProcess({
      env: {
        ...binanceEnv(exchange ? exchange.url(sim.url) : sim.url, join(dir, `${name}.json`)),
        // COIN-M alone: polling both books every second would cost 6,000 a minute, all of the IP's limit,
        // and a poll would then wait for the next minute (the bot says so at start); one book fits.
        BINANCE_MARKETS: 'cm',
        BINANCE_STREAM: 'off',
        POLL_INTERVAL_MS: String(POLL_INTERVAL_MS),
        LOG_FORMAT: 'json',
        REDIS_URL: redis.url(),
        HA_LEASE_MS: String(HA_LEASE_MS),
        METRICS_PORT: String(port),
        ...chatEnv(slack.apiUrl, discord),
        ...this.extraEnv,
      },
    });
    const instance = { name, bot, opsUrl: `http://127.0.0.1:${port}`, exchange };
    this.instances.push(instance);
    return instance;
  }

  /** The instances still running. */
  alive(): HaInstance[] {
    return this.instances.filter((i) => i.bot.alive);
  }

  /** The running instances whose last term opened and has not closed. */
  leaders(): HaInstance[] {
    return this.alive().filter((i) => isInTerm(i.bot));
  }

  /** Resolves with the one leader once exactly one running instance leads (other than `not`). */
  async leader(not?: HaInstance): Promise<HaInstance> {
    const only = () => {
      const leaders = this.leaders().filter((i) => i !== not);
      return leaders.length === 1 ? leaders[0] : undefined;
    };
    await this.until(() => only() !== undefined);
    return only() as HaInstance;
  }

  /** The accounts `instance` leads now, by its log: each account's last term line opens a term. */
  accountsLed(instance: HaInstance): Set<string> {
    const led = new Set<string>();
    for (const line of instance.bot.lines) {
      if (line.msg === LEADING) led.add(String(line.account));
      else if (line.msg === STOPPED) led.delete(String(line.account));
    }
    return led;
  }

  /** Resolves once `condition()` holds, re-checked on every log line of a running instance. */
  async until(condition: () => boolean): Promise<void> {
    while (!condition()) {
      const alive = this.alive();
      if (alive.length === 0) throw new Error('every instance has exited');
      // Each waiter settles on the next line (or the exit) of its process: the pace of the fleet.
      await Promise.race(alive.map((i) => nextLine(i.bot)));
    }
  }

  /** `/healthz` of a running instance. */
  async health(instance: HaInstance): Promise<{ status: number; reason: string }> {
    const response = await fetch(`${instance.opsUrl}/healthz`);
    return { status: response.status, reason: ((await response.json()) as { reason: string }).reason };
  }

  /** SIGKILLs every instance and closes their forwarders. */
  async close(): Promise<void> {
    await Promise.all(
      this.instances.map(async (i) => {
        if (i.bot.pid !== undefined && i.bot.alive) process.kill(i.bot.pid, 'SIGCONT'); // a paused one dies only once resumed
        await i.bot.kill();
        await i.exchange?.close();
      }),
    );
  }
}

/** True when the last term line of `bot` opens a term. */
function isInTerm(bot: BotProcess): boolean {
  for (let i = bot.lines.length - 1; i >= 0; i -= 1) {
    const msg = bot.lines[i]?.msg;
    if (msg === LEADING) return true;
    if (msg === STOPPED) return false;
  }
  return false;
}

/** Settles when `bot` prints its next line or exits. */
function nextLine(bot: BotProcess): Promise<void> {
  const seen = bot.lines.length;
  return bot
    .waitForLine(() => bot.lines.length > seen)
    .then(
      () => undefined,
      () => undefined,
    );
}
