// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the accounts file's own syntax, written in plain strings on purpose
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountConfig } from '../../src/accounts/AccountConfig.js';
import { type AccountDefaults, readAccountsFile } from '../../src/accounts/accountsFile.js';
import { registeredSecrets } from '../../src/ops/redact.js';

/** Distinctive secrets: no error line may hold any of them, nor a piece of one. */
const SECRET = `S3CR3T${'q7'.repeat(30)}`;
const KEY = `K3YK3Y${'w8'.repeat(30)}`;
const ENV_SECRET = `S3CR3TENV${'z9'.repeat(30)}`;
const ENV_KEY = `K3YENV${'v6'.repeat(30)}`;

const defaults: AccountDefaults = { markets: ['cm'], mentionNotionalUsd: '100000' };
const env = { DESK_A_KEY: ENV_KEY, DESK_A_SECRET: ENV_SECRET, DESK_B_KEY: `${ENV_KEY}b`, DESK_B_SECRET: `${ENV_SECRET}b` };

let dir: string;
let fileCount = 0;

/** Writes `text` to a new file of the temp dir with `mode` (0600 unless a test says otherwise), returning its path. */
function write(text: string | Buffer, mode = 0o600, name = `accounts-${++fileCount}.yaml`): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

function errorsOf(path: string, environment: NodeJS.ProcessEnv = env): string[] {
  const result = readAccountsFile(path, defaults, environment);
  if (result.ok) throw new Error(`expected ${path} to be refused`);
  return result.errors;
}

function configOf(path: string, environment: NodeJS.ProcessEnv = env): AccountConfig[] {
  const result = readAccountsFile(path, defaults, environment);
  if (!result.ok) throw new Error(`expected ${path} to be read, got:\n${result.errors.join('\n')}`);
  return result.config;
}

/** One account in YAML with the given extra lines (two-space indented under the list item). */
function oneAccount(...lines: string[]): string {
  return ['accounts:', '  - name: desk-a', '    apiKey: ${DESK_A_KEY}', ...lines.map((line) => `    ${line}`)].join('\n');
}

function expectNoSecret(errors: string[]): void {
  const text = errors.join('\n');
  for (const secret of [SECRET, KEY, ENV_SECRET, ENV_KEY]) {
    // Any 8-character piece of a secret counts as a leak, not only the whole value.
    for (let i = 0; i + 8 <= secret.length; i += 4) expect(text.includes(secret.slice(i, i + 8)), `piece ${i} of a secret`).toBe(false);
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'forcewatch-accounts-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('readAccountsFile: valid files', () => {
  it("reads the issue's example, secrets from the environment, defaults filled", () => {
    const path = write(
      '{"accounts":[{"name":"desk-a","apiKey":"${DESK_A_KEY}","apiSecret":"${DESK_A_SECRET}","slackChannel":"C0DESKA"},{"name":"desk-b","apiKey":"${DESK_B_KEY}","apiSecret":"${DESK_B_SECRET}","slackChannel":"C0DESKB"}]}',
      0o644,
    );
    expect(configOf(path)).toEqual([
      {
        name: 'desk-a',
        credentials: { apiKey: ENV_KEY, apiSecret: ENV_SECRET },
        markets: ['cm'],
        slackChannel: 'C0DESKA',
        discordChannelId: undefined,
        mentionNotionalUsd: '100000',
        minNotionalUsd: undefined,
        access: {},
      },
      {
        name: 'desk-b',
        credentials: { apiKey: `${ENV_KEY}b`, apiSecret: `${ENV_SECRET}b` },
        markets: ['cm'],
        slackChannel: 'C0DESKB',
        discordChannelId: undefined,
        mentionNotionalUsd: '100000',
        minNotionalUsd: undefined,
        access: {},
      },
    ]);
    expect(registeredSecrets()).toEqual(expect.arrayContaining([ENV_KEY, ENV_SECRET, `${ENV_KEY}b`, `${ENV_SECRET}b`]));
  });

  it('gives the same accounts from YAML and from JSON, every key read', () => {
    const keyFile = write('-----BEGIN PRIVATE KEY-----\n', 0o600, 'desk-b.pem');
    const yaml = write(
      [
        'accounts:',
        '  - name: desk-a',
        `    apiKey: ${KEY}`,
        `    apiSecret: ${SECRET}`,
        '    markets: [cm, um]',
        '    slackChannel: C0DESKA',
        '    discordChannelId: 123456789012345678',
        '    mentionNotionalUsd: 250000.50',
        '    minNotionalUsd: "1000"',
        '    slackAllowedUsers: [U0ALICE, W0BOB]',
        '    slackAllowedChannels: C0RISK,D0DM',
        '    discordAllowedRoleIds: [987654321098765432]',
        '    discordAllowedChannelIds: "112233445566778899, 998877665544332211"',
        '  - name: desk-b',
        '    apiKey: ${DESK_B_KEY}',
        '    privateKeyPath: desk-b.pem',
        '    markets: margin, um, margin',
      ].join('\n'),
    );
    const json = write(
      JSON.stringify({
        accounts: [
          {
            name: 'desk-a',
            apiKey: KEY,
            apiSecret: SECRET,
            markets: ['cm', 'um'],
            slackChannel: 'C0DESKA',
            discordChannelId: '123456789012345678',
            mentionNotionalUsd: '250000.50',
            minNotionalUsd: 1000,
            slackAllowedUsers: 'U0ALICE,W0BOB',
            slackAllowedChannels: ['C0RISK', 'D0DM'],
            discordAllowedRoleIds: '987654321098765432',
            discordAllowedChannelIds: ['112233445566778899', '998877665544332211'],
          },
          { name: 'desk-b', apiKey: '${DESK_B_KEY}', privateKeyPath: keyFile, markets: ['margin', 'um'] },
        ],
      }),
      0o600,
      'accounts.json',
    );
    const fromYaml = configOf(yaml);
    expect(configOf(json)).toEqual(fromYaml);
    expect(fromYaml).toEqual([
      {
        name: 'desk-a',
        credentials: { apiKey: KEY, apiSecret: SECRET },
        markets: ['cm', 'um'],
        slackChannel: 'C0DESKA',
        discordChannelId: '123456789012345678',
        mentionNotionalUsd: '250000.50',
        minNotionalUsd: '1000',
        access: {
          slackAllowedUsers: ['U0ALICE', 'W0BOB'],
          slackAllowedChannels: ['C0RISK', 'D0DM'],
          discordAllowedRoleIds: ['987654321098765432'],
          discordAllowedChannelIds: ['112233445566778899', '998877665544332211'],
        },
      },
      {
        name: 'desk-b',
        credentials: { apiKey: `${ENV_KEY}b`, privateKeyPath: keyFile },
        markets: ['margin', 'um'],
        slackChannel: undefined,
        discordChannelId: undefined,
        mentionNotionalUsd: '100000',
        minNotionalUsd: undefined,
        access: {},
      },
    ]);
    expect(registeredSecrets()).toEqual(expect.arrayContaining([KEY, SECRET]));
  });

  it('keeps unquoted 19- and 20-digit Discord ids exact (past 2^53, where a float would round them)', () => {
    const [account] = configOf(
      write(
        oneAccount('apiSecret: ${DESK_A_SECRET}', 'discordChannelId: 9007199254740993123', 'discordAllowedRoleIds: [18446744073709551615]'),
      ),
    );
    expect(account?.discordChannelId).toBe('9007199254740993123');
    expect(account?.access.discordAllowedRoleIds).toEqual(['18446744073709551615']);
  });

  it('substitutes ${VAR} inside a longer string, and lets a variable hold a whole list', () => {
    const path = write(oneAccount('apiSecret: ${DESK_A_SECRET}', 'slackChannel: C0${DESK}A', 'slackAllowedUsers: ${ADMINS}'));
    const [account] = configOf(path, { ...env, DESK: 'RISK', ADMINS: 'U0ALICE, U0BOB' });
    expect(account?.slackChannel).toBe('C0RISKA');
    expect(account?.access.slackAllowedUsers).toEqual(['U0ALICE', 'U0BOB']);
  });

  it('accepts literal secrets in a 0600 file, and ${VAR} secrets in a 0644 one', () => {
    expect(configOf(write(oneAccount(`apiSecret: ${SECRET}`), 0o600))[0]?.credentials.apiSecret).toBe(SECRET);
    expect(configOf(write(oneAccount('apiSecret: ${DESK_A_SECRET}'), 0o644))[0]?.credentials.apiSecret).toBe(ENV_SECRET);
  });
});

describe('readAccountsFile: the file itself', () => {
  it('refuses a missing file, a folder and a file over 1 MiB, saying what to do', () => {
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    expect(errorsOf(join(dir, 'nowhere.yaml'))).toEqual([
      `FORCEWATCH_ACCOUNTS=${join(dir, 'nowhere.yaml')}: no such file: set FORCEWATCH_ACCOUNTS to the path of the accounts file`,
    ]);
    expect(errorsOf(folder)[0]).toContain(`FORCEWATCH_ACCOUNTS=${folder}: is not a regular file`);
    const oversized = `${oneAccount('apiSecret: ${DESK_A_SECRET}')}\n#${'x'.repeat(1024 * 1024)}`;
    const big = write(oversized);
    expect(errorsOf(big)).toEqual([
      `FORCEWATCH_ACCOUNTS=${big}: is ${oversized.length} bytes, over the 1 MiB limit: is FORCEWATCH_ACCOUNTS the accounts file?`,
    ]);
    // Exactly 1 MiB is still read.
    expect(configOf(write(oversized.slice(0, 1024 * 1024)))).toHaveLength(1);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a file this process cannot read (root reads every file, so not as root)', () => {
    const path = write(oneAccount('apiSecret: ${DESK_A_SECRET}'), 0o000);
    expect(errorsOf(path)[0]).toContain(`FORCEWATCH_ACCOUNTS=${path}: cannot be read (EACCES)`);
  });

  it('refuses text that is not UTF-8', () => {
    const path = write(Buffer.from([0x61, 0x3a, 0x20, 0xff, 0xfe]));
    expect(errorsOf(path)).toEqual([expect.stringContaining(`FORCEWATCH_ACCOUNTS=${path}: is not UTF-8 text`)]);
  });

  it('reports a syntax error by line and column only, never quoting the line (it may hold a secret)', () => {
    const path = write(`accounts:\n  - name: desk-a\n    apiKey: [${KEY}\n    apiSecret: ${SECRET}\n`);
    const errors = errorsOf(path);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatch(
      new RegExp(`^FORCEWATCH_ACCOUNTS=${path}: is not valid YAML or JSON at line \\d+, column \\d+ \\([A-Z_]+\\): fix the syntax`),
    );
    expectNoSecret(errors);
  });

  it('refuses a file nested deeper than an accounts file ever is, before yaml recurses into it', () => {
    const indented = Array.from({ length: 150 }, (_, level) => `${' '.repeat(level)}-`).join('\n');
    for (const deep of [
      `accounts: ${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      `accounts:\n${'- '.repeat(100_000)}x`,
      `accounts:\n${indented} x`,
    ]) {
      const path = write(deep);
      expect(errorsOf(path)).toEqual([
        `FORCEWATCH_ACCOUNTS=${path}: nests deeper than 200 levels (an accounts file needs about 10): is FORCEWATCH_ACCOUNTS the accounts file?`,
      ]);
    }
    // Pretty-printed JSON with a wide indent is nowhere near the bound.
    const account = { name: 'desk-a', apiKey: '${DESK_A_KEY}', apiSecret: '${DESK_A_SECRET}', slackAllowedUsers: ['U0ALICE'] };
    expect(configOf(write(JSON.stringify({ accounts: [account] }, null, 8)))[0]?.access.slackAllowedUsers).toEqual(['U0ALICE']);
  });

  it('refuses a top level that is not an object with a non-empty accounts list', () => {
    const cases: [string, string][] = [
      ['- name: desk-a', 'is not an object'],
      ['name: desk-a', 'has no accounts key'],
      ['accounts: []', 'accounts is empty'],
      ['accounts: desk-a', 'accounts is not a list'],
    ];
    for (const [text, what] of cases) {
      const path = write(text);
      expect(errorsOf(path)).toEqual([
        expect.stringMatching(`^FORCEWATCH_ACCOUNTS=${path}: ${what}: expected an object with an accounts list`),
      ]);
    }
  });

  it('refuses more than 200 accounts', () => {
    const accounts = Array.from({ length: 201 }, (_, i) => ({ name: `desk-${i}`, apiKey: '${DESK_A_KEY}', apiSecret: '${DESK_A_SECRET}' }));
    const path = write(JSON.stringify({ accounts }));
    expect(errorsOf(path)).toEqual([
      `FORCEWATCH_ACCOUNTS=${path}: accounts has 201 entries, over the limit of 200: run another bot for the rest`,
    ]);
  });

  it('refuses a file with a literal secret that group or others can read, naming the account, key and fix', () => {
    const path = write(oneAccount(`apiSecret: ${SECRET}`), 0o644);
    const errors = errorsOf(path);
    expect(errors).toEqual([
      `FORCEWATCH_ACCOUNTS=${path}: account "desk-a": apiSecret is written out in a file readable by group or others (mode 0644): run chmod 600 ${path}, or write the secrets as \${VAR}`,
    ]);
    expectNoSecret(errors);
    // A literal apiKey counts as well: the key and secret are used together.
    const keyOnly = write(['accounts:', '  - name: desk-a', `    apiKey: ${KEY}`, '    apiSecret: ${DESK_A_SECRET}'].join('\n'), 0o640);
    expect(errorsOf(keyOnly)).toEqual([
      expect.stringContaining('account "desk-a": apiKey is written out in a file readable by group or others (mode 0640)'),
    ]);
  });

  it('expands a few shared YAML anchors but refuses an alias bomb', () => {
    const shared = write(
      [
        'x-admins: &admins [U0ALICE, U0BOB]',
        'accounts:',
        '  - {name: desk-a, apiKey: "${DESK_A_KEY}", apiSecret: "${DESK_A_SECRET}", slackAllowedUsers: *admins}',
        '  - {name: desk-b, apiKey: "${DESK_B_KEY}", apiSecret: "${DESK_B_SECRET}", slackAllowedUsers: *admins}',
      ].join('\n'),
    );
    expect(configOf(shared).map((account) => account.access.slackAllowedUsers)).toEqual([
      ['U0ALICE', 'U0BOB'],
      ['U0ALICE', 'U0BOB'],
    ]);
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++)
      levels.push(
        `${'abcdefgh'[i]}: &${'abcdefgh'[i]} [${Array(10)
          .fill(`*${'abcdefgh'[i - 1]}`)
          .join(', ')}]`,
      );
    const bomb = write(`${levels.join('\n')}\naccounts: [*h]`);
    expect(errorsOf(bomb)).toEqual([`FORCEWATCH_ACCOUNTS=${bomb}: expands too many YAML aliases (more than 100): write the values out`]);
  });
});

describe('readAccountsFile: accounts', () => {
  it('names an account by its number when it has no valid name, and reports every problem at once', () => {
    const path = write(
      [
        'accounts:',
        '  - apiKey: ${DESK_A_KEY}',
        '    apiSecret: ${DESK_A_SECRET}',
        '  - name: Desk A',
        '    apiKey: ${DESK_A_KEY}',
        '    apiSecret: ${DESK_A_SECRET}',
        '  - just-a-string',
        '  - name: desk-a',
        '    apiKey: ${DESK_A_KEY}',
        '    apiSecret: ${DESK_A_SECRET}',
        '  - name: desk-a',
        '    apiKey: ${DESK_A_KEY}',
        '    apiSecret: ${DESK_A_SECRET}',
        '    slackChanel: C0DESKA',
      ].join('\n'),
    );
    const at = `FORCEWATCH_ACCOUNTS=${path}`;
    const looksLike = 'expected lowercase letters, digits and -, starting with a letter, at most 32 characters (e.g. desk-a)';
    expect(errorsOf(path)).toEqual([
      `${at}: account #1: name is missing: ${looksLike}`,
      `${at}: account #2: name "Desk A" is not valid: ${looksLike}`,
      `${at}: account #3 is not an object: write each account as keys (name, apiKey, apiSecret, ...)`,
      `${at}: account "desk-a": unknown key "slackChanel": expected one of name, apiKey, apiSecret, privateKeyPath, markets, slackChannel, discordChannelId, mentionNotionalUsd, minNotionalUsd, slackAllowedUsers, slackAllowedChannels, discordAllowedRoleIds, discordAllowedChannelIds`,
      `${at}: account "desk-a" (account #5): name is already used by account #4: give each account its own name`,
    ]);
  });

  it('calls an account whose name comes from the environment by its number, not echoing the name', () => {
    const path = write(oneAccount('apiSecret: ${DESK_A_SECRET}', 'slackChannel: nope').replace('name: desk-a', 'name: ${DESK_NAME}'));
    expect(errorsOf(path, { ...env, DESK_NAME: 'desk-hidden' })).toEqual([
      `FORCEWATCH_ACCOUNTS=${path}: account #1: slackChannel "nope" is not valid: expected a Slack channel id such as C0123ABCD (C or G, then capital letters and digits)`,
    ]);
    expect(errorsOf(path, { ...env, DESK_NAME: 'Desk Hidden' })[0]).toBe(
      `FORCEWATCH_ACCOUNTS=${path}: account #1: name (from \${DESK_NAME}, not shown) is not valid: expected lowercase letters, digits and -, starting with a letter, at most 32 characters (e.g. desk-a)`,
    );
  });

  it('never echoes a key that could be a pasted secret, nor an unknown top-level key it cannot show', () => {
    const path = write(
      `x-ok: 1\ntypo: 2\naccounts:\n  - name: desk-a\n    apiKey: \${DESK_A_KEY}\n    apiSecret: \${DESK_A_SECRET}\n    ${SECRET}: 1\n`,
    );
    const errors = errorsOf(path);
    expect(errors).toEqual([
      expect.stringContaining(`unknown top-level key "typo": expected accounts`),
      expect.stringContaining(`account "desk-a": unknown key of ${SECRET.length} characters (not shown): expected one of name,`),
    ]);
    expectNoSecret(errors);
  });

  it('requires apiKey, and exactly one of apiSecret and privateKeyPath', () => {
    const keyFile = write('pem', 0o600, 'both.pem');
    const path = write(
      [
        'accounts:',
        '  - name: no-key',
        '    apiSecret: ${DESK_A_SECRET}',
        '  - name: no-secret',
        '    apiKey: ${DESK_A_KEY}',
        '  - name: both',
        '    apiKey: ${DESK_A_KEY}',
        '    apiSecret: ${DESK_A_SECRET}',
        `    privateKeyPath: ${keyFile}`,
        '  - name: wrong-type',
        '    apiKey: 12345',
        '    apiSecret: [a, b]',
      ].join('\n'),
    );
    const at = `FORCEWATCH_ACCOUNTS=${path}`;
    const secretLooksLike = 'the value from Binance API Management, or ${VAR} to read it from the environment';
    expect(errorsOf(path)).toEqual([
      `${at}: account "no-key": apiKey is missing: expected ${secretLooksLike}`,
      `${at}: account "no-secret": apiSecret is missing: give apiSecret for an HMAC key, or privateKeyPath for an Ed25519/RSA key`,
      `${at}: account "both": apiSecret and privateKeyPath are both set: give apiSecret for an HMAC key, or privateKeyPath for an Ed25519/RSA key, not both`,
      `${at}: account "wrong-type": apiKey is a number: expected ${secretLooksLike}`,
      `${at}: account "wrong-type": apiSecret is a list: expected ${secretLooksLike}`,
    ]);
  });

  it("names the account, key and variable of an unset or empty ${VAR}, never its neighbours' values", () => {
    const path = write(
      [
        'accounts:',
        '  - name: desk-a',
        `    apiKey: "${KEY}\${UNSET}"`,
        '    apiSecret: ${EMPTY}',
        '    slackChannel: ${lower-case}',
        '    minNotionalUsd: ${OPEN',
      ].join('\n'),
    );
    const at = `FORCEWATCH_ACCOUNTS=${path}: account "desk-a"`;
    const errors = errorsOf(path, { ...env, EMPTY: '  ' });
    expect(errors).toEqual([
      `${at}: apiKey reads \${UNSET}, which is not set or is empty: set UNSET in the environment, or write the value in the file`,
      `${at}: apiSecret reads \${EMPTY}, which is not set or is empty: set EMPTY in the environment, or write the value in the file`,
      `${at}: slackChannel has a \${...} that is not a variable name: write \${NAME}, NAME made of letters, digits and _`,
      `${at}: minNotionalUsd has a \${ without its closing }: write \${NAME}`,
    ]);
    expectNoSecret(errors);
  });

  it('never echoes a secret or a value from the environment, and registers every secret it reads', () => {
    const path = write(
      [
        'accounts:',
        '  - name: desk-a',
        `    apiKey: ${KEY}`,
        `    apiSecret: ${SECRET}`,
        '    slackChannel: ${DESK_A_SECRET}',
        '    minNotionalUsd: ${DESK_A_KEY}',
        '    markets: ${DESK_A_KEY}',
        '    slackAllowedUsers: [U0OK, "${DESK_A_SECRET}"]',
      ].join('\n'),
      0o644,
    );
    const errors = errorsOf(path);
    const at = `FORCEWATCH_ACCOUNTS=${path}: account "desk-a"`;
    expect(errors).toEqual([
      `${at}: markets (from \${DESK_A_KEY}, not shown) is not a market: expected any of cm, um, margin, as a list or separated by commas (e.g. cm,um)`,
      `${at}: slackChannel (from \${DESK_A_SECRET}, not shown) is not valid: expected a Slack channel id such as C0123ABCD (C or G, then capital letters and digits)`,
      `${at}: minNotionalUsd (from \${DESK_A_KEY}, not shown) is not valid: expected a USD amount such as 100000 or 2500.50 (digits and an optional decimal point; no sign, no exponent)`,
      `${at}: slackAllowedUsers (from \${DESK_A_SECRET}, not shown) is not valid: expected Slack user ids such as U0123ABCD (U or W, then capital letters and digits)`,
      `${at}: apiKey is written out in a file readable by group or others (mode 0644): run chmod 600 ${path}, or write the secrets as \${VAR}`,
    ]);
    expectNoSecret(errors);
    expect(registeredSecrets()).toEqual(expect.arrayContaining([KEY, SECRET]));
  });

  it('checks privateKeyPath as ssh does: present, a file, not readable by group or others', () => {
    const open = write('pem', 0o644, 'open.pem');
    write('pem', 0o600, 'relative.pem');
    const path = write(
      [
        'accounts:',
        '  - {name: gone, apiKey: "${DESK_A_KEY}", privateKeyPath: missing.pem}',
        `  - {name: open, apiKey: "\${DESK_A_KEY}", privateKeyPath: ${open}}`,
        `  - {name: folder, apiKey: "\${DESK_A_KEY}", privateKeyPath: ${dir}}`,
        '  - {name: hidden, apiKey: "${DESK_A_KEY}", privateKeyPath: "${KEY_PATH}"}',
        '  - {name: relative, apiKey: "${DESK_A_KEY}", privateKeyPath: relative.pem}',
      ].join('\n'),
    );
    const at = `FORCEWATCH_ACCOUNTS=${path}`;
    expect(errorsOf(path, { ...env, KEY_PATH: open })).toEqual([
      `${at}: account "gone": privateKeyPath "${join(dir, 'missing.pem')}" does not exist: expected the path of the account's Ed25519 or RSA private key (PEM), relative to the accounts file's folder or absolute`,
      `${at}: account "open": privateKeyPath "${open}" is readable by group or others (mode 0644): run chmod 600 ${open}`,
      `${at}: account "folder": privateKeyPath "${dir}" is not a file: expected the path of the account's Ed25519 or RSA private key (PEM)`,
      `${at}: account "hidden": privateKeyPath (from \${KEY_PATH}, not shown) is readable by group or others (mode 0644): run chmod 600 the file it names`,
    ]);
  });
});

describe('readAccountsFile: values', () => {
  /** The errors of one account with `lines` added, without the `FORCEWATCH_ACCOUNTS=<path>: account "desk-a": ` prefix. */
  function problems(...lines: string[]): string[] {
    const path = write(oneAccount('apiSecret: ${DESK_A_SECRET}', ...lines));
    return errorsOf(path).map((line) => line.replace(`FORCEWATCH_ACCOUNTS=${path}: account "desk-a": `, ''));
  }
  const amount = 'expected a USD amount such as 100000 or 2500.50 (digits and an optional decimal point; no sign, no exponent)';

  it('takes amounts as decimal text, never an exponent or a sign', () => {
    expect(problems('mentionNotionalUsd: 1e6', 'minNotionalUsd: "-5"')).toEqual([
      `mentionNotionalUsd "1e6" is not valid: ${amount}`,
      `minNotionalUsd "-5" is not valid: ${amount}`,
    ]);
    expect(problems('mentionNotionalUsd: -5', 'minNotionalUsd: .inf')).toEqual([
      `mentionNotionalUsd "-5" is not valid: ${amount}`,
      `minNotionalUsd ".inf" is not valid: ${amount}`,
    ]);
    expect(problems('mentionNotionalUsd:', 'minNotionalUsd: ""')).toEqual([
      `mentionNotionalUsd has no value: ${amount}`,
      'minNotionalUsd is empty: write a value, or leave the key out',
    ]);
    const [account] = configOf(
      write(oneAccount('apiSecret: ${DESK_A_SECRET}', 'mentionNotionalUsd: 2500.50', 'minNotionalUsd: 12345678901234567890')),
    );
    expect(account).toMatchObject({ mentionNotionalUsd: '2500.50', minNotionalUsd: '12345678901234567890' });
  });

  it('refuses a Discord id read as a float (digits lost), or in hex, and says to quote it', () => {
    const snowflake = 'a Discord id of 17-20 digits (Developer Mode -> right click -> Copy ID)';
    expect(problems('discordChannelId: 1.23456789012345678e17', 'discordAllowedChannelIds: [0x1B69B4BA630F34E]')).toEqual([
      `discordChannelId "1.23456789012345678e17" is not valid (read as a float, which loses digits: write the id in quotes): expected ${snowflake}`,
      'discordAllowedChannelIds "0x1B69B4BA630F34E" is not valid: expected Discord channel ids of 17-20 digits (Developer Mode -> Copy Channel ID)',
    ]);
    expect(problems('discordChannelId: "12345"', 'discordAllowedRoleIds: [123456789012345678, nope]')).toEqual([
      `discordChannelId "12345" is not valid: expected ${snowflake}`,
      'discordAllowedRoleIds "nope" is not valid: expected Discord role ids of 17-20 digits (Server Settings -> Roles -> Copy Role ID)',
    ]);
  });

  it('checks Slack ids, echoing a wrong one cut to 40 characters', () => {
    const long = `C${'x'.repeat(60)}`;
    expect(problems(`slackChannel: ${long}`, 'slackAllowedUsers: U0OK,u0lower', 'slackAllowedChannels: [C0OK, X0BAD]')).toEqual([
      `slackChannel "${long.slice(0, 40)}..." is not valid: expected a Slack channel id such as C0123ABCD (C or G, then capital letters and digits)`,
      'slackAllowedUsers "u0lower" is not valid: expected Slack user ids such as U0123ABCD (U or W, then capital letters and digits)',
      'slackAllowedChannels "X0BAD" is not valid: expected Slack channel ids such as C0123ABCD (C, G or D for a DM, then capital letters and digits)',
    ]);
    // The likeliest mix-up: a user id where a channel goes, and the other way round.
    expect(problems('slackChannel: U0ALICE', 'slackAllowedUsers: [C0RISK]', 'slackAllowedChannels: [U0ALICE]')).toEqual([
      'slackChannel "U0ALICE" is not valid: expected a Slack channel id such as C0123ABCD (C or G, then capital letters and digits)',
      'slackAllowedUsers "C0RISK" is not valid: expected Slack user ids such as U0123ABCD (U or W, then capital letters and digits)',
      'slackAllowedChannels "U0ALICE" is not valid: expected Slack channel ids such as C0123ABCD (C, G or D for a DM, then capital letters and digits)',
    ]);
    expect(problems('slackChannel: 12345', 'slackAllowedUsers: {a: 1}')).toEqual([
      'slackChannel is a number: expected a Slack channel id such as C0123ABCD (C or G, then capital letters and digits)',
      'slackAllowedUsers is a mapping: expected Slack user ids such as U0123ABCD (U or W, then capital letters and digits)',
    ]);
  });

  it('reads markets as a list or a comma string of cm, um and margin', () => {
    const markets = 'expected any of cm, um, margin, as a list or separated by commas (e.g. cm,um)';
    expect(problems('markets: cm,spot')).toEqual([`markets "spot" is not a market: ${markets}`]);
    expect(problems('markets: []')).toEqual([`markets is empty: ${markets}`]);
    expect(configOf(write(oneAccount('apiSecret: ${DESK_A_SECRET}', 'markets: [UM, cm, um]')))[0]?.markets).toEqual(['um', 'cm']);
  });

  it('keeps an empty access list (nobody by that route) and leaves out the lists not given', () => {
    const [account] = configOf(
      write(oneAccount('apiSecret: ${DESK_A_SECRET}', 'slackAllowedUsers: []', 'discordAllowedRoleIds: ["123456789012345678"]')),
    );
    expect(account?.access).toEqual({ slackAllowedUsers: [], discordAllowedRoleIds: ['123456789012345678'] });
  });
});
