import type { SimulatorAccount } from './types.js';

/** API key of the default simulator account: 64 characters like a real key, obviously fake. */
export const SIM_API_KEY = 'SIMULATORxAPIxKEYxNOTxREALx0000000000000000000000000000000000000';

/** HMAC secret of the default simulator account: 64 characters, obviously fake. */
export const SIM_API_SECRET = 'SIMULATORxSECRETxNOTxREALx00000000000000000000000000000000000000';

/** The account list used when the options name none. */
export function defaultAccounts(): SimulatorAccount[] {
  return [{ apiKey: SIM_API_KEY, hmacSecret: SIM_API_SECRET }];
}
