import type { BinanceClient } from '../binance/createBinanceClient.js';
import { binanceAdvice } from './binanceAdvice.js';
import { type CheckResult, fail, pass } from './CheckResult.js';

/** Above this the client still copes (it corrects by the measured offset) but the host's clock needs attention. */
export const CLOCK_OFFSET_WARN_MS = 1_000;

/** The clock check's result and the offset measured (Binance minus local, ms; 0 when unknown). */
export interface BinanceClockCheck {
  result: CheckResult;
  offsetMs: number;
}

/**
 * Measures this host's clock against Binance's `/fapi/v1/time`. A signed request is refused (-1021) when
 * its timestamp is 1 s ahead of Binance or more than recvWindow behind; the client corrects by the
 * offset, so a large one only warns.
 * https://developers.binance.com/docs/derivatives/portfolio-margin/general-info#timing-security
 */
export async function checkBinanceClock(client: Pick<BinanceClient, 'sync'>, fapiUrl: string): Promise<BinanceClockCheck> {
  const name = 'binance: clock';
  try {
    const offsetMs = await client.sync();
    const detail = `this host's clock is ${Math.abs(offsetMs)} ms ${offsetMs >= 0 ? 'behind' : 'ahead of'} Binance's`;
    if (Math.abs(offsetMs) <= CLOCK_OFFSET_WARN_MS) return { result: pass(name, detail), offsetMs };
    return {
      result: pass(
        name,
        detail,
        'forcewatch corrects for it, but turn on time sync (timedatectl set-ntp true, or chrony) so it does not drift further',
      ),
      offsetMs,
    };
  } catch (error) {
    return {
      result: fail(
        name,
        `cannot read Binance's time from ${fapiUrl}/fapi/v1/time (${(error as Error).message})`,
        binanceAdvice(error, fapiUrl),
      ),
      offsetMs: 0,
    };
  }
}
