/** The Binance Portfolio Margin simulator: one local server for papi, fapi and dapi paths. */
export { SIM_API_KEY, SIM_API_SECRET } from './accounts.js';
export { signedPayload } from './authenticateSigned.js';
export { divideDecimal } from './divideDecimal.js';
export { PapiSimulator, type SimBurstOptions, type SimStreamOptions } from './PapiSimulator.js';
export { findContract, SIM_CONTRACTS, type SimContract } from './symbols.js';
export type {
  PapiSimulatorOptions,
  RawForceOrderWire,
  SimFault,
  SimMarket,
  SimOrderInput,
  SimOrderKind,
  SimRequestLog,
  SimulatorAccount,
} from './types.js';
export { hmacSha256Hex, verifySignature } from './verifySignature.js';
