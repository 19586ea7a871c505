import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type AccountClients, createAccountClients } from '../../src/app/accountClients.js';
import { loadSettings } from '../../src/app/loadSettings.js';
import { type Forcewatch, startForcewatch } from '../../src/app/startForcewatch.js';
import { BINANCE_IP_WEIGHT_PER_MINUTE } from '../../src/binance/WeightLimiter.js';
import { DEFAULT_POLL_INTERVAL_MS } from '../../src/pipeline/ForceOrderPoller.js';
import { DEFAULT_RECONCILE_INTERVAL_MS } from '../../src/pipeline/StreamSource.js';
import { type AccountWeightPlan, accountWeightPerMinute, capacityProblem, QUIET_SHARE_OF_LIMIT } from '../../src/pipeline/weightPlan.js';
import { simAccounts } from '../../src/simulator/simAccounts.js';
import type { Notification, Sink } from '../../src/sinks/Sink.js';
import { benchLogger } from '../benchLogger.js';
import type { BenchOptions } from '../benchOptions.js';
import { CountingSink } from '../CountingSink.js';
import { type Figure, round, type ScenarioResult } from '../Figure.js';
import { percentile } from '../percentile.js';
import { RemoteSimulator, type VisibleOrder } from '../RemoteSimulator.js';
import { RssSampler } from '../RssSampler.js';
import { withTempDir } from '../tempDir.js';
import { waitFor } from '../waitFor.js';

const SCENARIO = 'accounts';
/** The bot's and the simulator's PAPI limit: BINANCE_WEIGHT_LIMIT's default, Binance's own. */
const WEIGHT_LIMIT = BINANCE_IP_WEIGHT_PER_MINUTE;
/** A cascade of this many orders lands on each of the first `CASCADE_ACCOUNTS` accounts, beside their trickle. */
const CASCADE_ORDERS = 50;
const CASCADE_ACCOUNTS = 3;
/** The cascade's orders lie within this many ms (as the demo's cascades). */
const CASCADE_SPREAD_MS = 5;
const CASCADE_SYMBOLS = ['BTCUSD_PERP', 'ETHUSD_PERP'];
/** Real time the stream's last deliveries may take after the last order. */
const STREAM_DELIVERY_TIMEOUT_MS = 30_000;
/** Real time a bot may take to start (50 stores and locks, 50 clients' clock sync). */
const START_TIMEOUT_MS = 60_000;
/** Longest POLL_INTERVAL_MS the settings allow: the search for one that fits ends there. */
const MAX_POLL_INTERVAL_MS = 3_600_000;
const MB = 1024 * 1024;

/** How the accounts' bot reads its books: the user data stream (REST reconciling), or polling at an interval. */
type Mode = { stream: true } | { stream: false; pollIntervalMs: number };

/**
 * Scenario "accounts" (issue 13): `accountsCount` Portfolio Margin accounts in one bot, wired as
 * `npm start` wires them (an accounts file, mode 0600, keys as `${VAR}` -> `loadSettings` ->
 * `createAccountClients`, one shared weight budget -> `startForcewatch`), against a simulator in its own
 * process serving each account its own book and stream (`simAccounts`), on the real clock. The alerts
 * go to the fallback sink, counted per account by the name the account routing stamps on them. Three
 * bots, each against a fresh simulator (so one's weight never counts in another's minute): one account
 * on the stream, idle for `accountsQuietMs`; all accounts on the stream, idle as long, then
 * `accountsOrdersEach` orders per account over `accountsSpreadMs` and a cascade on a few; then all
 * accounts polling (stream off) at the shortest interval `capacityProblem` lets them fit, the same orders.
 */
export async function runAccounts(options: BenchOptions): Promise<ScenarioResult> {
  const rss = new RssSampler();
  const count = options.accountsCount;
  const streamMode: Mode = { stream: true };
  const idleOne = await withBot(options, 1, streamMode, () => idleMemory(options));
  const streamed = await withBot(options, count, streamMode, async (bot) => {
    const idle = await idleMemory(options);
    const openStreams = await bot.sim.openStreams();
    return { idle, openStreams, ...(await ordersRun(options, bot)) };
  });
  const pollIntervalMs = pollIntervalToFit(count);
  const pollMode: Mode = { stream: false, pollIntervalMs };
  const polled = await withBot(options, count, pollMode, (bot) => ordersRun(options, bot));
  const peak = rss.stop();
  const failures = [
    ...(streamed.openStreams === count
      ? []
      : [`stream: ${streamed.openStreams} user data streams open after the quiet span, not ${count}`]),
    ...streamed.failures.map((f) => `stream: ${f}`),
    ...polled.failures.map((f) => `polling: ${f}`),
  ];
  const perExtraMb = (key: keyof IdleMemory) => round((streamed.idle[key] - idleOne[key]) / MB / (count - 1), 2);
  const mb = (bytes: number) => round(bytes / MB, 1);
  const quiet = `${options.accountsQuietMs / 1000} s after start`;
  const s = (ms: number) => round(ms / 1000, 1);
  return {
    failures,
    figures: [
      ...runFigures(`stream (${count} WebSockets, reconciling every ${s(DEFAULT_RECONCILE_INTERVAL_MS)} s)`, streamed, streamMode, count),
      ...runFigures(`polling every ${s(pollIntervalMs)} s (stream off, the shortest that fits)`, polled, pollMode, count),
      { scenario: SCENARIO, figure: `idle RSS, 1 account on the stream, ${quiet}, after a full GC`, value: mb(idleOne.rss), unit: 'MB' },
      {
        scenario: SCENARIO,
        figure: `idle RSS, ${count} accounts on the stream, ${quiet}, after a full GC`,
        value: mb(streamed.idle.rss),
        unit: 'MB',
      },
      {
        scenario: SCENARIO,
        figure: `RSS per extra account ((idle ${count} - idle 1) / ${count - 1})`,
        value: perExtraMb('rss'),
        unit: 'MB',
      },
      {
        scenario: SCENARIO,
        figure: `V8 heap used, idle 1 -> ${count} accounts: ${mb(idleOne.heapUsed)} -> ${mb(streamed.idle.heapUsed)} MB, per extra account`,
        value: perExtraMb('heapUsed'),
        unit: 'MB',
      },
      {
        scenario: SCENARIO,
        figure: 'peak RSS over the scenario (resourceUsage().maxRSS)',
        value: round(Math.max(peak.maxRssMb, peak.sampledMb), 1),
        unit: 'MB',
      },
    ],
  };
}

/** A running bot of `count` accounts, its simulator, its sink and how it reads. */
interface AccountsBot {
  sim: RemoteSimulator;
  app: Forcewatch;
  buckets: AccountBuckets;
  mode: Mode;
  /** The accounts' names, in the file's order. */
  names: string[];
}

/**
 * Starts a simulator of `count` accounts and the bot on an accounts file naming them all, as `npm start`
 * does; runs `body`; stops the bot, its clients and the simulator whatever happens.
 */
async function withBot<T>(options: BenchOptions, count: number, mode: Mode, body: (bot: AccountsBot) => Promise<T>): Promise<T> {
  const sim = await RemoteSimulator.start(options.seed, WEIGHT_LIMIT, undefined, count);
  try {
    return await withTempDir(async (dir) => {
      const keys = simAccounts(count);
      const file = join(dir, 'accounts.json');
      const accounts = keys.map((key, i) => ({ name: key.name, apiKey: `\${DESK_${i}_KEY}`, apiSecret: `\${DESK_${i}_SECRET}` }));
      await writeFile(file, JSON.stringify({ accounts }), { mode: 0o600 });
      const env: NodeJS.ProcessEnv = {
        FORCEWATCH_ACCOUNTS: file,
        ...Object.fromEntries(
          keys.flatMap((key, i) => [
            [`DESK_${i}_KEY`, key.apiKey],
            [`DESK_${i}_SECRET`, key.hmacSecret],
          ]),
        ),
        ...Object.fromEntries(['PAPI', 'FAPI', 'DAPI'].map((api) => [`BINANCE_${api}_URL`, sim.url])),
        BINANCE_PM_STREAM_URL: `${sim.url.replace(/^http/, 'ws')}/pm`,
        BINANCE_MARKETS: 'cm',
        BINANCE_STREAM: mode.stream ? 'on' : 'off',
        BINANCE_WEIGHT_LIMIT: String(WEIGHT_LIMIT),
        ...(mode.stream ? {} : { POLL_INTERVAL_MS: String(mode.pollIntervalMs) }),
        FORCEWATCH_DB: join(dir, 'forcewatch.json'),
        LOG_LEVEL: 'warn',
      };
      const loaded = loadSettings(env);
      if (!loaded.ok) throw new Error(`the accounts bot's settings are refused: ${loaded.errors.join('; ')}`);
      const { settings } = loaded;
      const logger = benchLogger();
      const clients: AccountClients = createAccountClients(settings.core, settings.accounts, { logger });
      try {
        await clients.sync();
        const buckets = new AccountBuckets();
        const app = await waitFor(
          startForcewatch({ settings, exchanges: clients.exchanges, logger, fallbackSink: buckets }),
          START_TIMEOUT_MS,
          `${count} accounts to start`,
        );
        try {
          return await body({ sim, app, buckets, mode, names: keys.map((k) => k.name ?? '') });
        } finally {
          await app.stop();
        }
      } finally {
        await clients.close();
      }
    });
  } finally {
    await sim.close();
  }
}

/**
 * V8's full garbage collection, which the scenario's process is not started with (`--expose-gc`): set
 * the flag now, then take `gc` from a context made after it. https://nodejs.org/api/v8.html#v8setflagsfromstringflags
 */
function exposedGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** The process's memory after `accountsQuietMs` of a bot with nothing to alert (the span measured, not a wait for an event). */
interface IdleMemory {
  rss: number;
  heapUsed: number;
}

/**
 * The process's RSS and V8 heap after `accountsQuietMs` of a bot with nothing to alert, read after a full
 * collection: without one, what start-up left to collect (tens of MB, more or less from run to run) outweighs 49 accounts.
 */
async function idleMemory(options: BenchOptions): Promise<IdleMemory> {
  await delay(options.accountsQuietMs);
  const gc = exposedGc();
  gc();
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}

/** What one run of orders showed. */
interface OrdersRun {
  placed: VisibleOrder[];
  /** Distinct alerts delivered, every bucket's. */
  delivered: number;
  /** Visible at the simulator -> delivered to its account's bucket, ms, of each delivered order. */
  latencies: number[];
  failures: string[];
  /** The most PAPI weight the simulator charged in one clock minute, from the bot's start to the end of the run. */
  peakMinuteWeight: number;
  /** Non-200 answers by status. */
  refused: Record<string, number>;
}

/**
 * `accountsOrdersEach` orders on every account's book at random moments over `accountsSpreadMs` (polling:
 * one poll interval at least), and a
 * cascade on each of the first accounts; waits for each account's bucket to hold its orders, then has every
 * account read its book by REST once more (the stream: a poll now; polling: its next poll), which re-reads
 * the orders: none may be alerted again, nor in another account's bucket.
 */
async function ordersRun(options: BenchOptions, bot: AccountsBot): Promise<OrdersRun> {
  const { sim, app, buckets, names } = bot;
  const cascades = names.slice(0, CASCADE_ACCOUNTS).map((name) => sim.burst(CASCADE_ORDERS, CASCADE_SPREAD_MS, CASCADE_SYMBOLS, name));
  // Polling, over one interval at least: orders all just after a poll would each wait nearly the whole interval.
  const spreadMs = bot.mode.stream ? options.accountsSpreadMs : Math.max(options.accountsSpreadMs, bot.mode.pollIntervalMs);
  const trickle = sim.trickle(options.accountsOrdersEach * names.length, spreadMs, options.seed, names);
  const placed = [...(await Promise.all(cascades)).flat(), ...(await trickle)];
  const timeoutMs = bot.mode.stream ? STREAM_DELIVERY_TIMEOUT_MS : 2 * bot.mode.pollIntervalMs + STREAM_DELIVERY_TIMEOUT_MS;
  const expected = placedByAccount(placed);
  await waitFor(
    Promise.all(names.map((name) => buckets.bucket(name).untilDistinct(expected.get(name)?.length ?? 0))),
    timeoutMs,
    `${placed.length} deliveries`,
  ).catch((error: unknown) => console.error(String(error)));
  const requeued = await readAgain(app, bot.mode);
  const failures = buckets.violations(expected);
  if (requeued > 0) failures.push(`reading the books again queued ${requeued} orders again`);
  const tally = await sim.requestLog(0, Date.now());
  const refused = Object.fromEntries(Object.entries(tally.statuses).filter(([status]) => status !== '200'));
  if (refused['429'] || refused['418']) failures.push(`the simulator refused requests for weight: ${JSON.stringify(refused)}`);
  const peakMinuteWeight = tally.peakMinuteWeightByApi.papi ?? 0;
  if (peakMinuteWeight > WEIGHT_LIMIT) failures.push(`${peakMinuteWeight} PAPI weight in one minute, over ${WEIGHT_LIMIT}`);
  const latencies = placed.flatMap((o) => {
    const at = buckets.bucket(o.account ?? '').firstSeenAt.get(o.id);
    return at === undefined ? [] : [at - o.visibleAt];
  });
  const delivered = names.reduce((sum, name) => sum + buckets.bucket(name).firstSeenAt.size, 0);
  return { placed, delivered, latencies, failures, peakMinuteWeight, refused };
}

/**
 * Has every account read its book by REST once more and returns the orders it queued anew: on the stream
 * a poll now (`pollOnce`); polling, each account's next scheduled poll (a poll now beside them would spend
 * a third round of weight in the minute, which the budget would make wait).
 */
async function readAgain(app: Forcewatch, mode: Mode): Promise<number> {
  const pipelines = [...app.pipelines.values()];
  const polls = mode.stream
    ? pipelines.map((pipeline) => pipeline.pollOnce())
    : pipelines.map((pipeline) => new Promise<{ newOrders: number }>((resolve) => pipeline.bus.on('pollSucceeded', resolve)));
  const waitMs = mode.stream ? START_TIMEOUT_MS : 2 * mode.pollIntervalMs;
  const results = await waitFor(Promise.all(polls), waitMs, 'every account to read its book again');
  return results.reduce((sum, poll) => sum + poll.newOrders, 0);
}

/** The placed orders by the account whose book holds them. */
function placedByAccount(placed: readonly VisibleOrder[]): Map<string, string[]> {
  const byAccount = new Map<string, string[]>();
  for (const order of placed) {
    const name = order.account ?? '';
    byAccount.set(name, [...(byAccount.get(name) ?? []), order.id]);
  }
  return byAccount;
}

/**
 * The bot's fallback sink: each notification counted in the bucket of the account its routing stamped on
 * it (`notification.account.name`), the unnamed ones in the bucket named '' (which no order belongs to).
 */
class AccountBuckets implements Sink {
  readonly name = 'bench';
  private readonly buckets = new Map<string, CountingSink>();

  /** The account's bucket (made empty on first use). */
  bucket(account: string): CountingSink {
    let bucket = this.buckets.get(account);
    if (!bucket) {
      bucket = new CountingSink(account);
      this.buckets.set(account, bucket);
    }
    return bucket;
  }

  deliver(notification: Notification): Promise<void> {
    return this.bucket(notification.account?.name ?? '').deliver(notification);
  }

  /** Every account's exactly-once violations against its own orders (`expected`), and every alert in a bucket with none. */
  violations(expected: ReadonlyMap<string, readonly string[]>): string[] {
    const names = new Set([...expected.keys(), ...this.buckets.keys()]);
    return [...names].flatMap((name) =>
      this.bucket(name)
        .violations(expected.get(name) ?? [])
        .map((problem) => `${name === '' ? 'alerts naming no account' : `account ${name}`}: ${problem}`),
    );
  }
}

/** The quiet plan of one account as the bot runs it here: COIN-M only, no risk warning, no digest. */
function quietPlan(mode: Mode): AccountWeightPlan {
  return mode.stream
    ? {
        markets: ['cm'],
        pollIntervalMs: DEFAULT_POLL_INTERVAL_MS,
        stream: { reconcileIntervalMs: DEFAULT_RECONCILE_INTERVAL_MS },
        riskWarning: false,
      }
    : { markets: ['cm'], pollIntervalMs: mode.pollIntervalMs, riskWarning: false };
}

/** The shortest POLL_INTERVAL_MS, in whole seconds from the default up, at which `count` polling accounts fit the budget. */
function pollIntervalToFit(count: number): number {
  for (let pollIntervalMs = DEFAULT_POLL_INTERVAL_MS; pollIntervalMs <= MAX_POLL_INTERVAL_MS; pollIntervalMs += 1000) {
    const plans = Array.from({ length: count }, () => quietPlan({ stream: false, pollIntervalMs }));
    if (capacityProblem(plans, WEIGHT_LIMIT) === undefined) return pollIntervalMs;
  }
  throw new Error(`${count} polling accounts fit BINANCE_WEIGHT_LIMIT=${WEIGHT_LIMIT} at no POLL_INTERVAL_MS: run fewer accounts`);
}

/** The rows of one run of orders (`label` says how the bot read its books). */
function runFigures(label: string, run: OrdersRun, mode: Mode, count: number): Figure[] {
  const planned = accountWeightPerMinute(quietPlan(mode)) * count;
  const refused = Object.values(run.refused).reduce((sum, n) => sum + n, 0);
  const row = (figure: string, value: number, unit: string, target?: { target: string; met: boolean }): Figure => ({
    scenario: SCENARIO,
    figure: `${label}: ${figure}`,
    value,
    unit,
    ...target,
  });
  return [
    row(
      `${run.placed.length} orders on ${count} accounts (${count} x trickle, ${CASCADE_ACCOUNTS} x ${CASCADE_ORDERS}-order cascade) alerted once, in their own account's bucket`,
      run.delivered,
      'alerts',
      {
        target: `= ${run.placed.length}, no duplicate, none in another's`,
        met: run.failures.length === 0,
      },
    ),
    row('PAPI weight in the busiest clock minute (simulator-counted)', run.peakMinuteWeight, 'weight', {
      target: `<= ${WEIGHT_LIMIT} (BINANCE_WEIGHT_LIMIT)`,
      met: run.peakMinuteWeight <= WEIGHT_LIMIT,
    }),
    row('quiet weight per minute, planned (accountWeightPerMinute x accounts)', round(planned, 1), 'weight/min', {
      target: `<= ${Math.floor(WEIGHT_LIMIT * QUIET_SHARE_OF_LIMIT)} (${QUIET_SHARE_OF_LIMIT * 100}% of the limit)`,
      met: planned <= WEIGHT_LIMIT * QUIET_SHARE_OF_LIMIT,
    }),
    row(`requests refused (non-200: ${JSON.stringify(run.refused)})`, refused, 'requests'),
    row('p50 visible -> delivered', percentile(run.latencies, 50), 'ms'),
    row('p99 visible -> delivered', percentile(run.latencies, 99), 'ms'),
  ];
}
