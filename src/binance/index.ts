/** The Binance Portfolio Margin client: what src/main.ts and the rest of forcewatch import. */

export { BinanceApiError } from './BinanceApiError.js';
export { BinanceError, type BinanceErrorKind } from './BinanceError.js';
export type { FetchLike } from './BinanceHttpClient.js';
export { BinanceHttpError } from './BinanceHttpError.js';
export { BinanceNetworkError } from './BinanceNetworkError.js';
export { BinanceResponseError } from './BinanceResponseError.js';
export { type BinanceClient, type BinanceClientOptions, createBinanceClient } from './createBinanceClient.js';
export { SignerConfigError } from './createSigner.js';
export { ForceOrderClient } from './ForceOrderClient.js';
export { ForceOrderQueryError } from './ForceOrderQueryError.js';
export { IncompleteResultError } from './IncompleteResultError.js';
export type { LimiterStats } from './WeightLimiter.js';
