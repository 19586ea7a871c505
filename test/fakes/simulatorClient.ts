import { type BinanceClient, type BinanceClientOptions, createBinanceClient } from '../../src/binance/createBinanceClient.js';
import { type PapiSimulator, SIM_API_KEY, SIM_API_SECRET } from '../../src/simulator/PapiSimulator.js';

/** The real Binance client pointed at the simulator (PAPI, fapi and dapi on its one URL) with its key; `options` add to or override that. */
export function simulatorClient(sim: PapiSimulator, options: Partial<BinanceClientOptions> = {}): BinanceClient {
  return createBinanceClient({
    apiKey: SIM_API_KEY,
    apiSecret: SIM_API_SECRET,
    papiUrl: sim.url,
    fapiUrl: sim.url,
    dapiUrl: sim.url,
    ...options,
  });
}
