import { loadSettings, type Settings } from '../app/loadSettings.js';
import { type CheckResult, fail, pass } from './CheckResult.js';

/** The configuration checks and, when every variable is valid, the settings the other checks use. */
export interface ConfigurationCheck {
  results: CheckResult[];
  settings: Settings | undefined;
}

/** Every variable parsed and valid (as `npm start` reads them), and which chat platforms alerts go to. */
export function checkConfiguration(env: NodeJS.ProcessEnv): ConfigurationCheck {
  const loaded = loadSettings(env);
  if (!loaded.ok) {
    return {
      results: loaded.errors.map((error) => fail('configuration', error, 'fix it in .env or the environment (see .env.example)')),
      settings: undefined,
    };
  }
  const { settings } = loaded;
  const sinks = [
    settings.slack && `Slack channel ${settings.slack.alertChannel}`,
    settings.discord && `Discord channel ${settings.discord.alertChannelId}`,
  ].filter(Boolean);
  const results = [
    pass(
      'configuration',
      `every variable is valid; markets ${settings.core.binance.markets.join(', ')}, store ${settings.core.store.path}`,
    ),
  ];
  results.push(
    sinks.length > 0
      ? pass('alert destinations', sinks.join(' and '))
      : fail(
          'alert destinations',
          'neither Slack nor Discord is configured: alerts would only be printed on this console',
          'set the SLACK_* or DISCORD_* variables (see docs/operations.md, "Set-up in ten minutes")',
        ),
  );
  return { results, settings };
}
