import { once } from 'node:events';
import { createServer } from 'node:net';
import type { webApi } from '@slack/bolt';
import type { SlackConnection } from '../slack/slackConfig.js';
import { type CheckResult, fail, pass } from './CheckResult.js';
import { slackAdvice } from './slackAdvice.js';

/**
 * How Slack reaches `/forceorders`. Socket Mode: `apps.connections.open` with the app token returns a
 * WebSocket URL; the doctor does not connect to it, because Slack spreads events over every open
 * connection and one sent to the doctor would be lost. HTTP mode: the receiver's port is free.
 * Commands only: alerts go out over the Web API either way.
 * https://api.slack.com/methods/apps.connections.open
 */
export async function checkSlackConnection(
  connection: SlackConnection,
  appClient: webApi.WebClient | undefined,
  apiUrl: string,
): Promise<CheckResult> {
  const name = 'slack: commands connection';
  if (connection.mode === 'http') return checkPortFree(name, connection.port);
  try {
    await appClient?.apps.connections.open();
    return pass(name, 'SLACK_APP_TOKEN opens a Socket Mode connection');
  } catch (error) {
    return fail(name, `apps.connections.open failed: ${(error as Error).message}`, `SLACK_APP_TOKEN: ${slackAdvice(error, apiUrl)}`, {
      critical: false,
    });
  }
}

async function checkPortFree(name: string, port: number): Promise<CheckResult> {
  const server = createServer();
  server.listen(port);
  try {
    await once(server, 'listening');
    return pass(name, `HTTP mode: port ${port} is free for Slack's requests (/slack/events)`);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'error';
    return fail(
      name,
      `HTTP mode: port ${port} cannot be used (${code})`,
      `stop what listens on port ${port} (a running forcewatch?) or set SLACK_PORT to a free port`,
      { critical: false },
    );
  } finally {
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
