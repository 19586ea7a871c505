import { afterEach, beforeEach } from 'vitest';
import { PapiSimulator, SIM_API_KEY, SIM_API_SECRET } from '../../src/simulator/PapiSimulator.js';
import type { PapiSimulatorOptions } from '../../src/simulator/types.js';
import { type BinanceReply, signedGet } from './binanceRequest.js';

/** The server clock's start in simulator tests (the FakeClock default). */
export const START = Date.UTC(2026, 10, 25, 12, 0, 0);

/** A simulator per test on a movable clock, closed after each test. */
export function useSimulator(options: PapiSimulatorOptions = {}) {
  const state = { sim: undefined as unknown as PapiSimulator, now: START };
  beforeEach(async () => {
    state.now = START;
    state.sim = await PapiSimulator.start({ now: () => state.now, ...options });
  });
  afterEach(() => state.sim.close());
  return {
    get sim() {
      return state.sim;
    },
    /** Moves the exchange clock. */
    advance(ms: number) {
      state.now += ms;
    },
    now: () => state.now,
    /** Signed GET of a force-order endpoint with the default account, `timestamp` = now. */
    forceOrders(market: 'cm' | 'um', params: Record<string, string | number> = {}): Promise<BinanceReply> {
      return signedGet(
        state.sim.url,
        `/papi/v1/${market}/forceOrders`,
        { ...params, timestamp: state.now },
        { apiKey: SIM_API_KEY, secret: SIM_API_SECRET },
      );
    },
  };
}
