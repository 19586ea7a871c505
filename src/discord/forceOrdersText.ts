/** The `/forceorders` options as the interaction carries them. */
export interface ForceOrdersOptions {
  symbol: string | null;
  type: string | null;
  since: string | null;
  limit: number | null;
  public: boolean | null;
}

/** One option becomes exactly one word: whitespace inside a value must not split it into two. */
const word = (value: string): string => value.replace(/\s+/g, '');

/**
 * The command text the platform-neutral parser takes, `[symbol-or-pair] [liquidation|adl] [since]
 * [limit] [public]`, built from the slash command's options. `type: all` means no kind word.
 */
export function forceOrdersText(options: ForceOrdersOptions): string {
  const words: string[] = [];
  if (options.symbol) words.push(word(options.symbol));
  if (options.type === 'liquidation' || options.type === 'adl') words.push(options.type);
  if (options.since) words.push(word(options.since));
  if (options.limit !== null) words.push(String(options.limit));
  if (options.public) words.push('public');
  return words.filter(Boolean).join(' ');
}
