import type { Market } from '../binance/types.js';
import { isDecimal } from '../decimal.js';
import { registerSecret } from '../ops/redact.js';
import { ACCOUNT_NAME, type AccountAccess } from './AccountConfig.js';

/**
 * A number as the accounts file wrote it: `text` is its source, `value` what YAML made of it (a bigint
 * for an integer, since the file is parsed with `intAsBigInt`). Ids and amounts are taken from the text,
 * so an 18-digit Discord id or `1.50` never passes through a float.
 */
export class YamlNumber {
  constructor(
    readonly text: string,
    readonly value: number | bigint,
  ) {}
}

/** A string of the file after `${VAR}` substitution, with the variables it read: a value that read any is never echoed. */
interface FieldText {
  value: string;
  variables: string[];
}

/** The keys an account may have; any other is a typo reported with this list. */
export const ACCOUNT_KEYS = [
  'name',
  'apiKey',
  'apiSecret',
  'privateKeyPath',
  'markets',
  'slackChannel',
  'discordChannelId',
  'mentionNotionalUsd',
  'minNotionalUsd',
  'slackAllowedUsers',
  'slackAllowedChannels',
  'discordAllowedRoleIds',
  'discordAllowedChannelIds',
] as const;

/** The books an account may watch, as BINANCE_MARKETS. */
const MARKETS: readonly Market[] = ['cm', 'um', 'margin'];

/** The id shapes of src/slack/slackConfig.ts and src/discord/DiscordConfig.ts (core config cannot import the adapters). */
const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;
const SLACK_CONVERSATION_ID = /^[CGD][A-Z0-9]{2,}$/;
/** Snowflakes are 64-bit integers written in decimal. https://discord.com/developers/docs/reference#snowflakes */
const SNOWFLAKE = /^\d{17,20}$/;

/** `${NAME}`, the way a value reads the environment; what is inside the braces is checked separately. */
const REFERENCE = /\$\{([^}]*)\}/g;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A value that is one `${NAME}` and nothing else: a secret written so is not in the file. */
const WHOLE_REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;

/** Ids longer than this are cut when echoed: enough to spot a typo, too short to carry a pasted secret whole. */
const ECHO_LIMIT = 40;

/** One id shape: what it accepts and how a valid one looks, for the error line. */
interface IdShape {
  pattern: RegExp;
  looksLike: string;
  /** Discord ids are integers, and YAML may read one unquoted. */
  integer: boolean;
}

const SLACK_CHANNEL: IdShape = {
  pattern: SLACK_CHANNEL_ID,
  looksLike: 'a Slack channel id such as C0123ABCD (C or G, then capital letters and digits)',
  integer: false,
};
const SLACK_USER: IdShape = {
  pattern: SLACK_USER_ID,
  looksLike: 'Slack user ids such as U0123ABCD (U or W, then capital letters and digits)',
  integer: false,
};
const SLACK_CONVERSATION: IdShape = {
  pattern: SLACK_CONVERSATION_ID,
  looksLike: 'Slack channel ids such as C0123ABCD (C, G or D for a DM, then capital letters and digits)',
  integer: false,
};
const DISCORD_ID: IdShape = {
  pattern: SNOWFLAKE,
  looksLike: 'a Discord id of 17-20 digits (Developer Mode -> right click -> Copy ID)',
  integer: true,
};

const AMOUNT_LOOKS_LIKE = 'a USD amount such as 100000 or 2500.50 (digits and an optional decimal point; no sign, no exponent)';
const SECRET_LOOKS_LIKE = `the value from Binance API Management, or \${VAR} to read it from the environment`;

/** How a value is shown in an error: quoted and cut when written in the file, never when it came from the environment. */
function shown(text: FieldText): string {
  if (text.variables.length > 0) return `(from \${${text.variables.join('}, ${')}}, not shown)`;
  const cut = text.value.length > ECHO_LIMIT ? `${text.value.slice(0, ECHO_LIMIT)}...` : text.value;
  return JSON.stringify(cut);
}

/**
 * Reads one account's keys, each checked against what it may hold; every problem goes to `report` (the
 * key and a sentence saying what a valid value looks like) and the key reads as absent. `apiKey` and
 * `apiSecret` are registered for redaction the moment they are read and are never echoed.
 */
export class AccountFields {
  /** The secret keys written out in the file rather than as `${VAR}`: the file must then be private. */
  readonly literalSecrets: string[] = [];

  constructor(
    private readonly fields: Readonly<Record<string, unknown>>,
    private readonly env: NodeJS.ProcessEnv,
    private readonly report: (key: string, problem: string) => void,
  ) {}

  /** `name`, or undefined (reported) when missing or not an account name; `variables` says whether it came from the environment. */
  name(): FieldText | undefined {
    const looksLike = 'expected lowercase letters, digits and -, starting with a letter, at most 32 characters (e.g. desk-a)';
    const text = this.text('name', looksLike);
    if (text === undefined) {
      if (!('name' in this.fields)) this.report('name', `is missing: ${looksLike}`);
      return undefined;
    }
    if (ACCOUNT_NAME.test(text.value)) return text;
    this.report('name', `${shown(text)} is not valid: ${looksLike}`);
    return undefined;
  }

  /** `apiKey` or `apiSecret`: registered for redaction as soon as read; `required` reports it when missing. */
  secret(key: 'apiKey' | 'apiSecret', required: boolean): string | undefined {
    const raw = this.fields[key];
    const text = this.text(key, `expected ${SECRET_LOOKS_LIKE}`);
    if (text === undefined) {
      if (required && !(key in this.fields)) this.report(key, `is missing: expected ${SECRET_LOOKS_LIKE}`);
      return undefined;
    }
    registerSecret(text.value);
    if (!WHOLE_REFERENCE.test(String(raw).trim())) this.literalSecrets.push(key);
    return text.value;
  }

  /** `privateKeyPath` as written (after `${VAR}`); its file is checked by the caller. */
  privateKeyPath(): FieldText | undefined {
    return this.text('privateKeyPath', "expected the path of the account's Ed25519 or RSA private key (PEM)");
  }

  /** `markets`, a list or a comma string of cm, um and margin, each named once; `fallback` when absent or not valid. */
  markets(fallback: Market[]): Market[] {
    const looksLike = 'expected any of cm, um, margin, as a list or separated by commas (e.g. cm,um)';
    const items = this.list('markets', looksLike);
    if (items === undefined) return fallback;
    const markets = [...new Set(items.map((item) => item.value.toLowerCase()))];
    const unknown = items.filter((item) => !(MARKETS as readonly string[]).includes(item.value.toLowerCase()));
    if (unknown.length > 0 || markets.length === 0) {
      const what = unknown.length > 0 ? `${unknown.map(shown).join(', ')} is not a market` : 'is empty';
      this.report('markets', `${what}: ${looksLike}`);
      return fallback;
    }
    return markets as Market[];
  }

  /** `slackChannel`: the Slack channel the account alerts to. */
  slackChannel(): string | undefined {
    return this.id('slackChannel', SLACK_CHANNEL);
  }

  /** `discordChannelId`: the Discord channel the account alerts to. */
  discordChannelId(): string | undefined {
    return this.id('discordChannelId', DISCORD_ID);
  }

  /** A USD amount (`mentionNotionalUsd`, `minNotionalUsd`): a decimal string, or a YAML number whose text is one. */
  amount(key: 'mentionNotionalUsd' | 'minNotionalUsd'): string | undefined {
    const raw = this.fields[key];
    const text = raw instanceof YamlNumber ? { value: raw.text, variables: [] } : this.text(key, `expected ${AMOUNT_LOOKS_LIKE}`);
    if (text === undefined || (isDecimal(text.value) && !text.value.startsWith('-'))) return text?.value;
    this.report(key, `${shown(text)} is not valid: expected ${AMOUNT_LOOKS_LIKE}`);
    return undefined;
  }

  /** The access lists given, each a list or a comma string of ids; the keys left out are left out. */
  access(): Partial<AccountAccess> {
    const lists: Record<keyof AccountAccess, IdShape> = {
      slackAllowedUsers: SLACK_USER,
      slackAllowedChannels: SLACK_CONVERSATION,
      discordAllowedRoleIds: { ...DISCORD_ID, looksLike: 'Discord role ids of 17-20 digits (Server Settings -> Roles -> Copy Role ID)' },
      discordAllowedChannelIds: { ...DISCORD_ID, looksLike: 'Discord channel ids of 17-20 digits (Developer Mode -> Copy Channel ID)' },
    };
    const access: Partial<AccountAccess> = {};
    for (const key of Object.keys(lists) as (keyof AccountAccess)[]) {
      const shape = lists[key];
      const items = this.list(key, `expected ${shape.looksLike}`, shape.integer);
      const ids = items && this.checkIds(key, items, shape);
      if (ids !== undefined) access[key] = ids;
    }
    return access;
  }

  /** One id: a string of the shape, or for a Discord id an exact YAML integer. */
  private id(key: string, shape: IdShape): string | undefined {
    const raw = this.fields[key];
    if (raw === undefined) return undefined;
    const looksLike = `expected ${shape.looksLike}`;
    const text = shape.integer && raw instanceof YamlNumber ? this.integer(key, raw, looksLike) : this.value(key, raw, looksLike);
    return text && this.checkIds(key, [text], shape)?.[0];
  }

  /** Every item of the shape (each named once), or undefined with the ones that are not reported. */
  private checkIds(key: string, items: FieldText[], shape: IdShape): string[] | undefined {
    const bad = items.filter((item) => !shape.pattern.test(item.value));
    if (bad.length === 0) return [...new Set(items.map((item) => item.value))];
    this.report(key, `${bad.map(shown).join(', ')} is not valid: expected ${shape.looksLike}`);
    return undefined;
  }

  /**
   * A YAML integer as its text (the id's shape is checked on the text, so `0x1f` is refused, not converted).
   * A float is refused: an unquoted 18-digit id read as one has already lost digits.
   */
  private integer(key: string, raw: YamlNumber, looksLike: string): FieldText | undefined {
    if (typeof raw.value === 'bigint') return { value: raw.text, variables: [] };
    this.report(
      key,
      `${JSON.stringify(raw.text.slice(0, ECHO_LIMIT))} is not valid (read as a float, which loses digits: write the id in quotes): ${looksLike}`,
    );
    return undefined;
  }

  /** A list key: a YAML list, or one comma string (split after `${VAR}`, so a variable may hold a whole list), empty items dropped. */
  private list(key: string, looksLike: string, integers = false): FieldText[] | undefined {
    const raw = this.fields[key];
    if (raw === undefined) return undefined;
    const items = (Array.isArray(raw) ? raw : [raw]).map((item) =>
      integers && item instanceof YamlNumber ? this.integer(key, item, looksLike) : this.value(key, item, looksLike),
    );
    if (!items.every((item) => item !== undefined)) return undefined;
    return items.flatMap((item) =>
      item.value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean)
        .map((value) => ({ value, variables: item.variables })),
    );
  }

  /** A string key after `${VAR}`; undefined when absent, or reported when it is not a string or a variable is unset. */
  private text(key: string, looksLike: string): FieldText | undefined {
    const raw = this.fields[key];
    return raw === undefined ? undefined : this.value(key, raw, looksLike);
  }

  private value(key: string, raw: unknown, looksLike: string): FieldText | undefined {
    if (typeof raw !== 'string') {
      const what =
        raw === null
          ? 'has no value'
          : `is ${raw instanceof YamlNumber ? 'a number' : Array.isArray(raw) ? 'a list' : typeof raw === 'object' ? 'a mapping' : `a ${typeof raw}`}`;
      this.report(key, `${what}: ${looksLike}`);
      return undefined;
    }
    return this.substitute(key, raw);
  }

  /** `${NAME}` anywhere in `raw` replaced by the environment's (trimmed) value; an unset or empty one is reported. */
  private substitute(key: string, raw: string): FieldText | undefined {
    const variables: string[] = [];
    let ok = true;
    const value = raw.replace(REFERENCE, (reference, name: string) => {
      if (!VARIABLE_NAME.test(name)) {
        this.report(key, `has a \${...} that is not a variable name: write \${NAME}, NAME made of letters, digits and _`);
        ok = false;
        return reference;
      }
      variables.push(name);
      const found = this.env[name]?.trim() ?? '';
      if (found === '') {
        this.report(key, `reads \${${name}}, which is not set or is empty: set ${name} in the environment, or write the value in the file`);
        ok = false;
      }
      return found;
    });
    if (raw.replace(REFERENCE, '').includes(`\${`)) {
      this.report(key, `has a \${ without its closing }: write \${NAME}`);
      ok = false;
    }
    if (ok && value.trim() === '') this.report(key, 'is empty: write a value, or leave the key out');
    return ok && value.trim() !== '' ? { value: value.trim(), variables } : undefined;
  }
}
