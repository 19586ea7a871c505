/** Scenario sizes; every one can be set on the command line (`npm run bench -- --burst-orders 2000`). */
export interface BenchOptions {
  /** Scenario 1: orders in the cascade. */
  burstOrders: number;
  /** Scenario 1: the cascade's orders span this much of the past (ms), across `burstSymbols`. */
  burstSpreadMs: number;
  burstSymbols: string[];
  /** Scenario "memory": orders in the large cascade (scenario 1's, with more orders) whose memory is measured. */
  memoryOrders: number;
  /** Scenario 2: orders pushed through `pollOnce()`, `overheadBatch` per poll. */
  overheadOrders: number;
  overheadBatch: number;
  /** Scenario 3: orders appearing at random moments over `latencyPolls` poll intervals. */
  latencyOrders: number;
  latencyPolls: number;
  latencyIntervalMs: number;
  /** Scenario 4: orders passed through before the files are measured, `sizesBatch` per poll. */
  sizesOrders: number;
  sizesBatch: number;
  /** Scenario 4: simulated time between those polls (the product's default interval). */
  sizesIntervalMs: number;
  /** Scenario 5: orders of the cascade whose polling cost is measured, over `cascadeSpreadMs` (ms). */
  cascadeOrders: number;
  cascadeSpreadMs: number;
  /** Scenario 5: time between polls (stream off). */
  cascadeIntervalMs: number;
  /** Scenario "stream-latency": orders at random moments over `streamSpreadMs`, to the stream bot and the 5 s poller at once. */
  streamOrders: number;
  streamSpreadMs: number;
  /** Scenario "stream-quiet": simulated minutes of a quiet account counted in each mode (an hour sees two keepalives). */
  streamQuietMinutes: number;
  /** Scenario "stream-quiet": orders whose stream events are dropped, spread over the reconciliation cycle. */
  streamDroppedOrders: number;
  /** Scenario "accounts": PM accounts in one bot, each on its own simulator book (at most 200, the accounts file's limit). */
  accountsCount: number;
  /** Scenario "accounts": orders per account at random moments over `accountsSpreadMs`, beside a cascade on a few accounts. */
  accountsOrdersEach: number;
  accountsSpreadMs: number;
  /** Scenario "accounts": the quiet span after start before the idle RSS is read (1 account, then all). */
  accountsQuietMs: number;
  /**
   * Scenarios 1 and 3: request weight per minute the simulator and the client allow. Default lifted far
   * above Binance's 6000, because one poll of the cascade needs about three minutes of Binance's budget
   * and a 500 ms interval alone spends 6000 a minute: the figures report those costs instead, and
   * `--weight-limit 6000` measures under Binance's limit for real (the burst then takes minutes).
   */
  weightLimit: number;
  /** Which scenarios to run; default all. */
  only: string[];
  /** Writes a V8 CPU profile of each scenario process into this directory (`node --cpu-prof`). */
  cpuProfDir: string | undefined;
  /** Where the JSON goes; default `bench/results.json`. */
  out: string;
  seed: number;
}

/** Every scenario, in the order they run. */
export const SCENARIOS = [
  'burst',
  'burst-tsx',
  'burst-redis',
  'memory',
  'overhead',
  'latency',
  'sizes',
  'cascade',
  'stream-latency',
  'stream-quiet',
  'accounts',
] as const;

/** Sizes chosen to keep the whole run under about three minutes on a 2-core machine. */
const DEFAULT_BENCH_OPTIONS: BenchOptions = {
  burstOrders: 10_000,
  burstSpreadMs: 50_000,
  burstSymbols: ['BTCUSD_PERP', 'ETHUSD_PERP', 'BNBUSD_PERP', 'SOLUSD_PERP', 'XRPUSD_PERP'],
  memoryOrders: 100_000,
  overheadOrders: 10_000,
  overheadBatch: 10_000,
  latencyOrders: 200,
  latencyPolls: 40,
  latencyIntervalMs: 500,
  sizesOrders: 100_000,
  sizesBatch: 1_000,
  sizesIntervalMs: 5_000,
  cascadeOrders: 300,
  cascadeSpreadMs: 10_000,
  cascadeIntervalMs: 1_000,
  streamOrders: 150,
  streamSpreadMs: 15_000,
  streamQuietMinutes: 60,
  streamDroppedOrders: 5,
  accountsCount: 50,
  accountsOrdersEach: 10,
  accountsSpreadMs: 10_000,
  accountsQuietMs: 40_000,
  weightLimit: 1_000_000,
  only: [...SCENARIOS],
  cpuProfDir: undefined,
  out: 'bench/results.json',
  seed: 1,
};

const NUMERIC = new Set<keyof BenchOptions>([
  'burstOrders',
  'burstSpreadMs',
  'memoryOrders',
  'overheadOrders',
  'overheadBatch',
  'latencyOrders',
  'latencyPolls',
  'latencyIntervalMs',
  'sizesOrders',
  'sizesBatch',
  'sizesIntervalMs',
  'cascadeOrders',
  'cascadeSpreadMs',
  'cascadeIntervalMs',
  'streamOrders',
  'streamSpreadMs',
  'streamQuietMinutes',
  'streamDroppedOrders',
  'accountsCount',
  'accountsOrdersEach',
  'accountsSpreadMs',
  'accountsQuietMs',
  'weightLimit',
  'seed',
]);

/** `--burst-orders 2000` -> `burstOrders`. */
function optionName(flag: string): keyof BenchOptions | undefined {
  const name = flag.replace(/^--/, '').replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
  return name in DEFAULT_BENCH_OPTIONS ? (name as keyof BenchOptions) : undefined;
}

/** Parses `--flag value` pairs over the defaults; throws on an unknown flag or a bad number. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = { ...DEFAULT_BENCH_OPTIONS };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i] as string;
    const value = argv[i + 1];
    const name = optionName(flag);
    if (!name || value === undefined) throw new Error(`unknown option or missing value: ${flag}`);
    if (NUMERIC.has(name)) {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer, got ${value}`);
      (options as unknown as Record<string, number>)[name] = n;
    } else if (name === 'only' || name === 'burstSymbols') {
      options[name] = value.split(',').filter(Boolean);
    } else {
      (options as unknown as Record<string, string>)[name] = value;
    }
  }
  const unknown = options.only.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')} (have ${SCENARIOS.join(', ')})`);
  return options;
}
