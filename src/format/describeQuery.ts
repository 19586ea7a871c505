import type { ForceOrdersQuery } from '../queries.js';
import { formatDuration } from './formatDuration.js';

/** What a query asked for, in words: `BTCUSD (every symbol of the pair), liquidations only, last 24h`. */
export function describeQuery(query: ForceOrdersQuery): string {
  const target =
    query.target === undefined
      ? 'all symbols'
      : query.target.type === 'pair'
        ? `${query.target.value} (every symbol of the pair)`
        : query.target.value;
  const kind = query.kind === 'LIQUIDATION' ? 'liquidations only' : query.kind === 'ADL' ? 'ADL only' : 'liquidations and ADL';
  return `${target}, ${kind}, last ${formatDuration(query.sinceMs)}`;
}
