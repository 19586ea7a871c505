/** The Binance Portfolio Margin client: what src/main.ts and the rest of forcewatch import. */
export { createBinanceClient, type BinanceClient, type BinanceClientOptions } from './createBinanceClient.js';
export { ForceOrderClient } from './ForceOrderClient.js';
export { BinanceError, type BinanceErrorKind } from './BinanceError.js';
export { BinanceApiError } from './BinanceApiError.js';
export { BinanceHttpError } from './BinanceHttpError.js';
export { BinanceNetworkError } from './BinanceNetworkError.js';
export { BinanceResponseError } from './BinanceResponseError.js';
export { ForceOrderQueryError } from './ForceOrderQueryError.js';
export { IncompleteResultError } from './IncompleteResultError.js';
export { SignerConfigError } from './createSigner.js';
export type { LimiterStats } from './WeightLimiter.js';
export type { FetchLike } from './BinanceHttpClient.js';
