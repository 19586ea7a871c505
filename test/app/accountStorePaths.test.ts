import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/app/loadSettings.js';
import { accountStorePaths } from '../../src/app/startForcewatch.js';

/** The core settings of `env` on top of a minimal valid environment. */
function core(env: Record<string, string> = {}) {
  const loaded = loadSettings({ BINANCE_API_KEY: 'k'.repeat(64), BINANCE_API_SECRET: 's'.repeat(64), ...env });
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  return loaded.settings.core;
}

describe('accountStorePaths', () => {
  it('keeps FORCEWATCH_DB and its archive for the account of FORCEWATCH_ACCOUNT_NAME, so a single-account store carries over', () => {
    expect(accountStorePaths(core(), 'main')).toEqual({
      storePath: './data/forcewatch.json',
      archivePath: './data/forcewatch.archive.jsonl',
    });
    expect(accountStorePaths(core({ FORCEWATCH_ACCOUNT_NAME: 'desk-a' }), 'desk-a').storePath).toBe('./data/forcewatch.json');
  });

  it('gives every other account its own files beside them, its name before the extension', () => {
    expect(accountStorePaths(core(), 'desk-b')).toEqual({
      storePath: './data/forcewatch.desk-b.json',
      archivePath: './data/forcewatch.desk-b.archive.jsonl',
    });
    const custom = core({ FORCEWATCH_DB: '/var/lib/fw/state', FORCEWATCH_ARCHIVE: '/srv/history.jsonl' });
    expect(accountStorePaths(custom, 'treasury')).toEqual({
      storePath: '/var/lib/fw/state.treasury',
      archivePath: '/srv/history.treasury.jsonl',
    });
  });
});
