import { accessSync, constants, readFileSync, type Stats, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument, visit } from 'yaml';
import type { ConfigResult } from '../config.js';
import { redact } from '../ops/redact.js';
import type { AccountConfig } from './AccountConfig.js';
import { ACCOUNT_KEYS, AccountFields, YamlNumber } from './accountFields.js';

/** What an account of the file takes when it leaves a key out. */
export interface AccountDefaults {
  /** BINANCE_MARKETS. */
  markets: AccountConfig['markets'];
  /** ALERT_MENTION_NOTIONAL_USD. */
  mentionNotionalUsd?: string;
}

/** Larger than any real accounts file by far; a bigger one is a wrong path (a log, a database), not read into memory. */
const MAX_FILE_BYTES = 1024 * 1024;
/** Each account holds a stream and a REST budget of its own; more than this on one bot is a mistake, not a fleet. */
const MAX_ACCOUNTS = 200;
/** Aliases expanded at most this many times: a few shared access lists, never a billion laughs. */
const MAX_ALIAS_COUNT = 100;
/**
 * How deep the file may nest, as `nestingBound` counts it; an accounts file needs about 10. yaml
 * composes nodes recursively and meets a stack overflow near 1,000 levels, where V8 can abort the
 * whole process (seen: "RegExpCompiler Allocation failed") instead of throwing; a 1 MiB file can nest
 * 500,000 deep (`[[[[...` or `- - - -`).
 */
const MAX_NESTING = 200;
/** Group and other read bits: what ssh refuses on a private key. */
const READABLE_BY_OTHERS = 0o044;

/** The file's text and mode, or the one line saying why it cannot be read. */
function readFile(path: string, where: string): { text: string; stats: Stats } | { error: string } {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return { error: `${where}: ${missing ? 'no such file' : 'cannot be read'}: set FORCEWATCH_ACCOUNTS to the path of the accounts file` };
  }
  if (!stats.isFile()) return { error: `${where}: is not a regular file: set FORCEWATCH_ACCOUNTS to the path of the accounts file` };
  if (stats.size > MAX_FILE_BYTES) {
    return { error: `${where}: is ${stats.size} bytes, over the 1 MiB limit: is FORCEWATCH_ACCOUNTS the accounts file?` };
  }
  try {
    const bytes = readFileSync(path);
    if (bytes.length > MAX_FILE_BYTES) return { error: `${where}: is over the 1 MiB limit: is FORCEWATCH_ACCOUNTS the accounts file?` };
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), stats };
  } catch (error) {
    const cause = error instanceof TypeError ? 'is not UTF-8 text' : `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
    return { error: `${where}: ${cause}: give the process read access to a UTF-8 YAML or JSON file (chmod 600, owned by its user)` };
  }
}

/**
 * An upper bound on the file's nesting depth, from its text alone: on each line twice the indentation
 * (a block list may sit at its parent key's indentation), plus the block indicators on the line
 * (`- - x` nests without indenting), plus the open flow brackets. Brackets and dashes in strings and
 * comments count too: a bound, not a parse.
 */
function nestingBound(text: string): number {
  let open = 0;
  let deepest = 0;
  for (const line of text.split('\n')) {
    const block = 2 * (line.length - line.trimStart().length) + (line.match(/(?:^|\s)[-?:](?=\s|$)/g)?.length ?? 0);
    let deepestOpen = open;
    for (const char of line) {
      if (char === '[' || char === '{') deepestOpen = Math.max(deepestOpen, ++open);
      else if ((char === ']' || char === '}') && open > 0) open--;
    }
    deepest = Math.max(deepest, block + deepestOpen);
  }
  return deepest;
}

/**
 * The file as plain values, numbers kept as `YamlNumber` (their source text), or its syntax errors by
 * line and column only: yaml's own messages quote the offending line, which may hold a secret.
 */
function parseYaml(text: string, where: string): { value: unknown } | { errors: string[] } {
  if (nestingBound(text) > MAX_NESTING) {
    return {
      errors: [
        `${where}: nests deeper than ${MAX_NESTING} levels (an accounts file needs about 10): is FORCEWATCH_ACCOUNTS the accounts file?`,
      ],
    };
  }
  const document = parseDocument(text, { intAsBigInt: true, prettyErrors: true });
  if (document.errors.length > 0) {
    return {
      errors: document.errors.map((error) => {
        const at = error.linePos?.[0];
        const place = at ? `line ${at.line}, column ${at.col}` : `offset ${error.pos[0]}`;
        return `${where}: is not valid YAML or JSON at ${place} (${error.code}): fix the syntax there (quote values that hold : # { } [ ] or ,)`;
      }),
    };
  }
  visit(document, {
    Scalar(key, node) {
      if (key !== 'key' && (typeof node.value === 'number' || typeof node.value === 'bigint')) {
        node.value = new YamlNumber(node.source ?? String(node.value), node.value);
      }
    },
  });
  try {
    return { value: document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch {
    return { errors: [`${where}: expands too many YAML aliases (more than ${MAX_ALIAS_COUNT}): write the values out`] };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof YamlNumber);
}

/** A key as it may be echoed: an identifier of at most 40 characters, else only its length (a pasted secret can land in a key). */
function shownKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]{0,39}$/.test(key) ? JSON.stringify(key) : `of ${key.length} characters (not shown)`;
}

/** One account checked: its config (valid only when no error was reported), name, how errors call it, and the secrets it writes out. */
interface ReadAccount {
  config?: AccountConfig;
  name?: string;
  who: string;
  literalSecrets: string[];
}

function readAccount(
  raw: unknown,
  numbered: string,
  context: { where: string; directory: string; defaults: AccountDefaults; env: NodeJS.ProcessEnv; errors: string[] },
): ReadAccount {
  const { where, errors } = context;
  if (!isObject(raw)) {
    errors.push(`${where}: ${numbered} is not an object: write each account as keys (name, apiKey, apiSecret, ...)`);
    return { who: numbered, literalSecrets: [] };
  }
  let who = numbered;
  const fields = new AccountFields(raw, context.env, (key, problem) => errors.push(`${where}: ${who}: ${key} ${problem}`));
  const name = fields.name();
  // A name read from the environment is not echoed either.
  if (name && name.variables.length === 0) who = `account "${name.value}"`;
  for (const key of Object.keys(raw).filter((key) => !(ACCOUNT_KEYS as readonly string[]).includes(key))) {
    errors.push(`${where}: ${who}: unknown key ${shownKey(key)}: expected one of ${ACCOUNT_KEYS.join(', ')}`);
  }
  const apiKey = fields.secret('apiKey', true);
  const apiSecret = fields.secret('apiSecret', false);
  const privateKeyPath = readPrivateKeyPath(fields, context.directory, (problem) =>
    errors.push(`${where}: ${who}: privateKeyPath ${problem}`),
  );
  if ('apiSecret' in raw && 'privateKeyPath' in raw) {
    errors.push(
      `${where}: ${who}: apiSecret and privateKeyPath are both set: give apiSecret for an HMAC key, or privateKeyPath for an Ed25519/RSA key, not both`,
    );
  } else if (!('apiSecret' in raw) && !('privateKeyPath' in raw)) {
    errors.push(`${where}: ${who}: apiSecret is missing: give apiSecret for an HMAC key, or privateKeyPath for an Ed25519/RSA key`);
  }
  const config: AccountConfig = {
    name: name?.value ?? '',
    credentials: { apiKey: apiKey ?? '', ...(apiSecret && { apiSecret }), ...(privateKeyPath && { privateKeyPath }) },
    markets: fields.markets(context.defaults.markets),
    slackChannel: fields.slackChannel(),
    discordChannelId: fields.discordChannelId(),
    mentionNotionalUsd: fields.amount('mentionNotionalUsd') ?? context.defaults.mentionNotionalUsd,
    minNotionalUsd: fields.amount('minNotionalUsd'),
    access: fields.access(),
  };
  return { config, name: name?.value, who, literalSecrets: fields.literalSecrets };
}

/**
 * `privateKeyPath`, resolved against the accounts file's folder (as kubeconfig does), checked as ssh
 * checks a key: it exists, this process can read it, and group and others cannot.
 */
function readPrivateKeyPath(fields: AccountFields, directory: string, report: (problem: string) => void): string | undefined {
  const text = fields.privateKeyPath();
  if (text === undefined) return undefined;
  const path = resolve(directory, text.value);
  const named = text.variables.length > 0 ? `(from \${${text.variables.join('}, ${')}}, not shown)` : JSON.stringify(path);
  const target = text.variables.length > 0 ? 'the file it names' : path;
  const problem = privateKeyProblem(path, target);
  if (problem === undefined) return path;
  report(`${named} ${problem}`);
  return undefined;
}

/** Why the key file at `path` may not be used, or undefined when it may. */
function privateKeyProblem(path: string, target: string): string | undefined {
  try {
    const stats = statSync(path);
    if (!stats.isFile()) return "is not a file: expected the path of the account's Ed25519 or RSA private key (PEM)";
    accessSync(path, constants.R_OK);
    if ((stats.mode & READABLE_BY_OTHERS) === 0) return undefined;
    return `is readable by group or others (mode ${modeText(stats)}): run chmod 600 ${target}`;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT'
      ? "does not exist: expected the path of the account's Ed25519 or RSA private key (PEM), relative to the accounts file's folder or absolute"
      : `cannot be read by this process: make its user the owner and run chmod 600 ${target}`;
  }
}

function modeText(stats: Stats): string {
  return (stats.mode & 0o777).toString(8).padStart(4, '0');
}

/**
 * Reads and checks the FORCEWATCH_ACCOUNTS file (YAML, or JSON, which is YAML too): every problem at
 * once, one line each naming the account and the key, never echoing a secret.
 */
export function readAccountsFile(path: string, defaults: AccountDefaults, env: NodeJS.ProcessEnv): ConfigResult<AccountConfig[]> {
  const where = `FORCEWATCH_ACCOUNTS=${path}`;
  const file = readFile(path, where);
  if ('error' in file) return { ok: false, errors: [file.error] };
  const parsed = parseYaml(file.text, where);
  if ('errors' in parsed) return { ok: false, errors: parsed.errors };
  const top = parsed.value;
  const accounts = isObject(top) ? top.accounts : undefined;
  const shape = `expected an object with an accounts list, e.g. accounts: [{name: desk-a, apiKey: \${DESK_A_KEY}, apiSecret: \${DESK_A_SECRET}}]`;
  if (!Array.isArray(accounts) || accounts.length === 0) {
    const what = !isObject(top)
      ? 'is not an object'
      : accounts === undefined
        ? 'has no accounts key'
        : Array.isArray(accounts)
          ? 'accounts is empty'
          : 'accounts is not a list';
    return { ok: false, errors: [`${where}: ${what}: ${shape}`] };
  }
  const errors: string[] = [];
  for (const key of Object.keys(top as object).filter((key) => key !== 'accounts' && !key.startsWith('x-'))) {
    errors.push(
      `${where}: unknown top-level key ${shownKey(key)}: expected accounts (keys starting with x- are ignored, for YAML anchors)`,
    );
  }
  if (accounts.length > MAX_ACCOUNTS) {
    errors.push(`${where}: accounts has ${accounts.length} entries, over the limit of ${MAX_ACCOUNTS}: run another bot for the rest`);
  }
  const context = { where, directory: dirname(resolve(path)), defaults, env, errors };
  const read = accounts.map((raw, index) => readAccount(raw, `account #${index + 1}`, context));
  const firstWithName = new Map<string, number>();
  read.forEach(({ name, who }, index) => {
    if (name === undefined) return;
    const first = firstWithName.get(name);
    if (first === undefined) firstWithName.set(name, index);
    else
      errors.push(
        `${where}: ${who} (account #${index + 1}): name is already used by account #${first + 1}: give each account its own name`,
      );
  });
  const literal = read.find((account) => account.literalSecrets.length > 0);
  if (literal && (file.stats.mode & READABLE_BY_OTHERS) !== 0) {
    errors.push(
      `${where}: ${literal.who}: ${literal.literalSecrets[0]} is written out in a file readable by group or others (mode ${modeText(file.stats)}): run chmod 600 ${path}, or write the secrets as \${VAR}`,
    );
  }
  if (errors.length > 0) return { ok: false, errors: errors.map(redact) };
  return { ok: true, config: read.flatMap(({ config }) => (config ? [config] : [])) };
}
