/**
 * Message-body checks as Discord documents them, written independently of src/discord so a wrong
 * constant there cannot agree with itself here.
 * https://discord.com/developers/docs/resources/message#create-message-jsonform-params
 * https://discord.com/developers/docs/resources/message#embed-object-embed-limits
 * https://discord.com/developers/docs/resources/message#allowed-mentions-object
 */

/** A problem found in a request body: where (`embeds[0].fields[3].value`) and what. */
export interface FormError {
  path: string;
  message: string;
}

interface Embed {
  title?: string;
  description?: string;
  color?: number;
  timestamp?: string;
  fields?: { name: string; value: string; inline?: boolean }[];
  footer?: { text: string };
  author?: { name: string };
}

/** The parts of a message body the fake checks. */
export interface MessageBody {
  content?: string;
  embeds?: Embed[];
  nonce?: string | number;
  enforce_nonce?: boolean;
  allowed_mentions?: { parse?: string[]; roles?: string[]; users?: string[]; replied_user?: boolean };
  flags?: number;
}

const max = (errors: FormError[], path: string, text: string | undefined, limit: number, required = false) => {
  if (text === undefined) {
    if (required) errors.push({ path, message: 'This field is required' });
    return;
  }
  if (typeof text !== 'string') errors.push({ path, message: 'Must be a string' });
  else if (text.length > limit) errors.push({ path, message: `Must be ${limit} or fewer in length.` });
  else if (required && text.length === 0) errors.push({ path, message: 'Must be 1 or more in length.' });
};

/** Characters counted against the 6,000 total: title, description, field names and values, footer, author. */
export function embedCharacters(embed: Embed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0) +
    (embed.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}

/** Every documented limit a message create/edit body breaks; empty when Discord would accept it. */
export function validateMessage(body: MessageBody, options: { requireContentOrEmbeds: boolean }): FormError[] {
  const errors: FormError[] = [];
  max(errors, 'content', body.content, 2000);
  const embeds = body.embeds ?? [];
  if (embeds.length > 10) errors.push({ path: 'embeds', message: 'Must be 10 or fewer in length.' });
  embeds.forEach((embed, i) => {
    const at = `embeds[${i}]`;
    max(errors, `${at}.title`, embed.title, 256);
    max(errors, `${at}.description`, embed.description, 4096);
    if (embed.footer) max(errors, `${at}.footer.text`, embed.footer.text, 2048, true);
    if (embed.author) max(errors, `${at}.author.name`, embed.author.name, 256, true);
    if (embed.color !== undefined && (!Number.isInteger(embed.color) || embed.color < 0 || embed.color > 0xffffff)) {
      errors.push({ path: `${at}.color`, message: 'Invalid colour' });
    }
    if (embed.timestamp !== undefined && Number.isNaN(Date.parse(embed.timestamp))) {
      errors.push({ path: `${at}.timestamp`, message: 'Invalid ISO8601 timestamp' });
    }
    const fields = embed.fields ?? [];
    if (fields.length > 25) errors.push({ path: `${at}.fields`, message: 'Must be 25 or fewer in length.' });
    fields.forEach((f, j) => {
      max(errors, `${at}.fields[${j}].name`, f.name, 256, true);
      max(errors, `${at}.fields[${j}].value`, f.value, 1024, true);
    });
  });
  const total = embeds.reduce((n, e) => n + embedCharacters(e), 0);
  if (total > 6000) errors.push({ path: 'embeds', message: `Embed size exceeds maximum size of 6000 (${total})` });
  if (body.nonce !== undefined) {
    if (typeof body.nonce === 'string') max(errors, 'nonce', body.nonce, 25);
    else if (!Number.isInteger(body.nonce)) errors.push({ path: 'nonce', message: 'Must be an integer or a string' });
  }
  const am = body.allowed_mentions;
  if (am) {
    // "parse" and an explicit list of the same kind are mutually exclusive.
    if (am.parse?.includes('roles') && am.roles)
      errors.push({ path: 'allowed_mentions', message: 'parse:["roles"] and roles are mutually exclusive' });
    if (am.parse?.includes('users') && am.users)
      errors.push({ path: 'allowed_mentions', message: 'parse:["users"] and users are mutually exclusive' });
    if ((am.roles?.length ?? 0) > 100 || (am.users?.length ?? 0) > 100)
      errors.push({ path: 'allowed_mentions', message: 'At most 100 ids' });
  }
  if (options.requireContentOrEmbeds && !body.content && embeds.length === 0) {
    errors.push({ path: '', message: 'Cannot send an empty message' });
  }
  return errors;
}

/** Who a message would ping, applying `allowed_mentions` to its content as Discord does. */
export function resolveMentions(body: MessageBody): { everyone: boolean; roles: string[]; users: string[] } {
  const content = body.content ?? '';
  const roles = [...content.matchAll(/<@&(\d+)>/g)].map((m) => m[1] as string);
  const users = [...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1] as string);
  const everyone = /@(everyone|here)/.test(content);
  const am = body.allowed_mentions;
  // Without allowed_mentions Discord parses every mention in the content.
  if (!am) return { everyone, roles, users };
  const parse = am.parse ?? [];
  return {
    everyone: everyone && parse.includes('everyone'),
    roles: parse.includes('roles') ? roles : roles.filter((r) => am.roles?.includes(r)),
    users: parse.includes('users') ? users : users.filter((u) => am.users?.includes(u)),
  };
}
