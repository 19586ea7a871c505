import { type BinanceClient, createBinanceClient } from '../src/binance/createBinanceClient.js';
import { SIM_API_KEY, SIM_API_SECRET } from '../src/simulator/PapiSimulator.js';
import type { Clock } from '../src/time.js';
import { RemoteSimulator } from './RemoteSimulator.js';

/**
 * Runs `body` with a simulator in its own process and the real Binance client pointed at it, both
 * held to `weightLimitPerMinute`; closes both afterwards. With `clock`, the client runs on it and the
 * simulator's clock starts at its time (the scenario moves both: `sim.advanceClock`, then its own clock).
 */
export async function withSimulatorClient<T>(
  options: { seed: number; weightLimitPerMinute: number; clock?: Clock },
  body: (sim: RemoteSimulator, client: BinanceClient) => Promise<T>,
): Promise<T> {
  const { seed, weightLimitPerMinute, clock } = options;
  const sim = await RemoteSimulator.start(seed, weightLimitPerMinute, clock?.now());
  try {
    const client = createBinanceClient({
      apiKey: SIM_API_KEY,
      apiSecret: SIM_API_SECRET,
      ...sim.baseUrls,
      weightLimitPerMinute,
      ...(clock ? { clock } : {}),
    });
    try {
      return await body(sim, client);
    } finally {
      await client.close();
    }
  } finally {
    await sim.close();
  }
}
