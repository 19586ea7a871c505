/**
 * Slack reads `<...>` as a mention, a channel link or a URL, and `&` starts an entity, so every
 * dynamic string we put in a message is escaped first; nothing a user types or Binance returns can
 * then ping `@channel`, mention someone or hide a link.
 * Docs: https://api.slack.com/reference/surfaces/formatting#escaping
 */
export function escapeSlackText(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      // A bare `@here`/`@channel`/`@everyone` only notifies with `link_names`/`parse: full`; a word
      // joiner after the `@` keeps it inert even where a surface parses it anyway.
      .replace(/@(here|channel|everyone)\b/gi, '@\u2060$1')
  );
}
