/**
 * Choices in an autocomplete answer and in a string option.
 * Docs: https://discord.com/developers/docs/interactions/application-commands#application-command-object-application-command-option-structure
 */
const CHOICES_MAX = 25;
/** Characters of a choice's name and value. */
const CHOICE_NAME_MAX = 100;
/**
 * Autocomplete choices for what the user has typed so far: symbols starting with it first, then
 * those containing it, shortest first within each (a pair before its perpetual before its
 * deliveries), each once, at most 25 (Discord's cap).
 * https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object-autocomplete
 */
export function suggestSymbols(known: readonly string[], typed: string): { name: string; value: string }[] {
  const needle = typed.trim().toUpperCase();
  const symbols = [...new Set(known.map((s) => s.toUpperCase()))]
    .filter((s) => s.length > 0 && s.length <= CHOICE_NAME_MAX)
    .sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  const starts = symbols.filter((s) => s.startsWith(needle));
  const contains = symbols.filter((s) => !s.startsWith(needle) && s.includes(needle));
  return [...starts, ...contains].slice(0, CHOICES_MAX).map((s) => ({ name: s, value: s }));
}
