import type { ForceOrdersResult } from '../../commands/types.js';

type Source = Extract<ForceOrdersResult, { ok: true }>['source'];

const SOURCES: Record<Source, string> = {
  exchange: 'Binance',
  archive: "the bot's archive",
  'exchange+archive': "Binance (last 7 days) and the bot's archive (older)",
};

/** Where a `/forceorders` answer came from, in words a reader understands (not the model's code). */
export function describeSource(source: Source): string {
  return SOURCES[source];
}
