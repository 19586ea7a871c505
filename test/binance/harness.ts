import { afterEach } from 'vitest';
import { type BinanceClient, type BinanceClientOptions, createBinanceClient } from '../../src/binance/createBinanceClient.js';
import { PapiSimulator, SIM_API_KEY, SIM_API_SECRET } from '../../src/simulator/PapiSimulator.js';
import type { PapiSimulatorOptions } from '../../src/simulator/types.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { FakeClock } from '../fakes/FakeClock.js';

/** A simulator and the real client pointed at it over loopback, with captured logs. */
export interface Harness {
  sim: PapiSimulator;
  client: BinanceClient;
  lines: string[];
  /** Present when the harness runs on a FakeClock shared by the client and the simulator. */
  clock: FakeClock | undefined;
}

const open: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of open.splice(0)) await close();
});

/** Starts a simulator and a client (HMAC by default, tiny backoff, short timeout); both closed after the test. */
export async function startHarness(
  options: { sim?: PapiSimulatorOptions; client?: Partial<BinanceClientOptions>; fakeClock?: boolean } = {},
): Promise<Harness> {
  const clock = options.fakeClock ? new FakeClock() : undefined;
  const sim = await PapiSimulator.start({ ...(clock ? { now: () => clock.now() } : {}), ...options.sim });
  const { logger, lines } = captureLogger('debug');
  const client = createBinanceClient({
    apiKey: SIM_API_KEY,
    apiSecret: SIM_API_SECRET,
    papiUrl: sim.url,
    fapiUrl: sim.url,
    dapiUrl: sim.url,
    requestTimeoutMs: 2000,
    backoff: { baseMs: 2, capMs: 20 },
    logger,
    ...(clock ? { clock } : {}),
    ...options.client,
  });
  open.push(async () => {
    await client.close();
    await sim.close();
  });
  return { sim, client, lines, clock };
}

/** A simulator serving `accounts` on a new fake clock, with a PAPI limit of `limit` per minute; closed after the test. */
export async function startSimulatorOnFakeClock(
  limit: number,
  accounts: NonNullable<PapiSimulatorOptions['accounts']>,
): Promise<{ sim: PapiSimulator; clock: FakeClock }> {
  const clock = new FakeClock();
  const sim = await PapiSimulator.start({ now: () => clock.now(), weightLimitPerMinute: limit, accounts });
  open.push(() => sim.close());
  return { sim, clock };
}

/** Resolves once the simulator has logged `count` requests: the client got that far. */
export async function untilRequests(sim: PapiSimulator, count: number): Promise<void> {
  while (sim.requests.length < count) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Lets pending I/O callbacks and promise chains run: whatever could proceed without the clock has. */
export async function idle(): Promise<void> {
  for (let i = 0; i < 10; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/** Everything a test could print about an error: message, fields and cause chain. */
export function printed(error: unknown): string {
  const seen: unknown[] = [];
  for (let e = error; e instanceof Error && seen.length < 6; e = e.cause) seen.push({ ...e, message: e.message, stack: e.stack });
  return JSON.stringify(seen);
}
