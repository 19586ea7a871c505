/**
 * Discord's message and embed limits, as named constants so every renderer and the fake agree.
 * Docs: https://discord.com/developers/docs/resources/message#embed-object-embed-limits
 */

/** Characters in an embed title. */
export const EMBED_TITLE_MAX = 256;
/** Characters in an embed description. */
export const EMBED_DESCRIPTION_MAX = 4096;
/** Fields in one embed. */
export const EMBED_FIELDS_MAX = 25;
/** Characters in a field name. */
export const EMBED_FIELD_NAME_MAX = 256;
/** Characters in a field value. */
export const EMBED_FIELD_VALUE_MAX = 1024;
/** Characters in a footer text. */
export const EMBED_FOOTER_MAX = 2048;
/**
 * Characters across title, description, field names and values, footer text and author name of
 * every embed in one message. `EmbedBuilder` checks each part, never this total.
 */
export const EMBEDS_TOTAL_MAX = 6000;
/** Embeds in one message. Docs: https://discord.com/developers/docs/resources/message#create-message */
export const EMBEDS_PER_MESSAGE_MAX = 10;
/** Characters of `content`. Docs: https://discord.com/developers/docs/resources/message#create-message */
export const MESSAGE_CONTENT_MAX = 2000;
/** Characters of a message nonce. Docs: https://discord.com/developers/docs/resources/message#create-message-jsonform-params */
export const NONCE_MAX = 25;
/**
 * Choices in an autocomplete answer and in a string option.
 * Docs: https://discord.com/developers/docs/interactions/application-commands#application-command-object-application-command-option-structure
 */
export const CHOICES_MAX = 25;
/** Characters of a choice's name and value. */
export const CHOICE_NAME_MAX = 100;
