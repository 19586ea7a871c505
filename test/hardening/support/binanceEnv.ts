import { SIM_API_KEY, SIM_API_SECRET } from '../../../src/simulator/PapiSimulator.js';

/** The environment that points forcewatch at a simulator (both books) and a store file. */
export function binanceEnv(simUrl: string, storePath: string): Record<string, string> {
  const urls = Object.fromEntries(['PAPI', 'FAPI', 'DAPI'].map((api) => [`BINANCE_${api}_URL`, simUrl]));
  return {
    BINANCE_API_KEY: SIM_API_KEY,
    BINANCE_API_SECRET: SIM_API_SECRET,
    ...urls,
    BINANCE_MARKETS: 'cm,um',
    FORCEWATCH_DB: storePath,
    BINANCE_PM_STREAM_URL: `${simUrl.replace(/^http/, 'ws')}/pm`,
  };
}
