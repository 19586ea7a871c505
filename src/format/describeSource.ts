import type { ResultSource } from '../queries.js';

const SOURCES: Record<ResultSource, string> = {
  exchange: 'Binance',
  archive: "the bot's archive",
  'exchange+archive': "Binance (last 7 days) and the bot's archive (older)",
};

/** Where a `/forceorders` answer came from, in words a reader understands (not the model's code). */
export function describeSource(source: ResultSource): string {
  return SOURCES[source];
}
