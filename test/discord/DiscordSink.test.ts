import { getEventListeners } from 'node:events';
import { REST } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDecimal } from '../../src/decimal.js';
import { discordRestOptions } from '../../src/discord/DiscordConfig.js';
import { alertMentions, DiscordSink } from '../../src/discord/DiscordSink.js';
import { KIND_COLOUR } from '../../src/discord/renderDiscord.js';
import { registerSecret } from '../../src/ops/redact.js';
import { isSinkError, type SinkError } from '../../src/sinks/Sink.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { FakeDiscord } from '../fakes/discord/FakeDiscord.js';
import { embedCharacters } from '../fakes/discord/validateMessage.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { cascade, singleNotification } from './alertFixtures.js';

let fake: FakeDiscord;
let rest: REST;
const log = captureLogger();

function sink(overrides: { channelId?: string; roleId?: string; minNotionalUsd?: string } = {}): DiscordSink {
  return new DiscordSink({
    rest,
    channelId: overrides.channelId ?? fake.alertChannelId,
    mentions: { roleId: overrides.roleId, minNotionalUsd: overrides.minNotionalUsd },
    logger: log.logger,
  });
}

/** The SinkError a delivery ends in (anything else fails the test). */
async function failure(delivery: Promise<void>): Promise<SinkError> {
  try {
    await delivery;
  } catch (error) {
    if (isSinkError(error)) return error;
    throw error;
  }
  throw new Error('the delivery succeeded; a SinkError was expected');
}

beforeEach(async () => {
  fake = await FakeDiscord.start();
  registerSecret(fake.token);
  rest = new REST(discordRestOptions(fake.apiUrl)).setToken(fake.token);
});

afterEach(async () => {
  rest.clearHashSweeper();
  rest.clearHandlerSweeper();
  await fake.close();
});

describe('DiscordSink', () => {
  it("leaves no abort listener on the pipeline's long-lived stop signal, however many alerts it sends", async () => {
    // discord.js's REST adds a listener per request and never removes it: months of alerts would pile them up.
    const stopping = new AbortController();
    for (let orderId = 1; orderId <= 5; orderId += 1) {
      await sink().deliver(singleNotification(forceOrderFixture({ orderId })), { signal: stopping.signal, maybeDelivered: { since: 0 } });
    }
    expect(getEventListeners(stopping.signal, 'abort')).toHaveLength(0);
  });

  it('posts one embed per order: kind and symbol in the title, colour, facts, timestamp, order id', async () => {
    const order = forceOrderFixture({ kind: 'ADL', orderId: 4242, executedQty: '12', avgPrice: '11326.9', notionalUsd: '1200' });
    await sink().deliver(singleNotification(order));

    expect(fake.messages).toHaveLength(1);
    const [message] = fake.messages;
    const embed = message!.body.embeds![0]!;
    expect(embed.title).toBe('ADL BTCUSD\\_PERP SELL closing a LONG'); // markdown-escaped
    expect(embed.color).toBe(KIND_COLOUR.ADL);
    expect(embed.timestamp).toBe(new Date(order.updateTime).toISOString());
    const fields = Object.fromEntries(embed.fields!.map((f) => [f.name, f.value]));
    expect(fields).toMatchObject({
      Contracts: '12',
      'Avg price': '11,326.9',
      'Notional (USD)': '1,200',
      cumBase: '0.00882854',
      Status: 'FILLED',
      'Order id': '4242',
    });
    expect(embed.footer!.text).toBe(`COIN-M · BTCUSD · ref ${message!.body.nonce}`);
    expect(message!.body.enforce_nonce).toBe(true);
    expect(String(message!.body.nonce).length).toBeLessThanOrEqual(25);
    expect(message!.body.allowed_mentions).toEqual({ parse: [] });
    expect(message!.pinged).toEqual({ everyone: false, roles: [], users: [] });
  });

  it('colours a liquidation differently from an ADL', async () => {
    await sink().deliver(singleNotification(forceOrderFixture({ kind: 'LIQUIDATION' })));
    expect(fake.messages[0]!.body.embeds![0]!.title).toMatch(/^LIQUIDATION /);
    expect(fake.messages[0]!.body.embeds![0]!.color).toBe(KIND_COLOUR.LIQUIDATION);
    expect(KIND_COLOUR.LIQUIDATION).not.toBe(KIND_COLOUR.ADL);
  });

  it('fits a cascade of 1,000 orders into one message within every limit and says what it left out', async () => {
    const notification = cascade(1000);
    await sink().deliver(notification);

    // The fake rejects (400) anything over a documented limit, so a recorded message is a valid one.
    expect(fake.messages).toHaveLength(1);
    const embeds = fake.messages[0]!.body.embeds!;
    expect(embeds.length).toBeLessThanOrEqual(10);
    expect(embeds.reduce((n, e) => n + embedCharacters(e), 0)).toBeLessThanOrEqual(6000);
    const listed = embeds.reduce((n, e) => n + (e.fields?.length ?? 0), 0);
    expect(listed).toBeGreaterThan(10);
    expect(embeds[0]!.title).toBe('1000 force orders: 750 LIQUIDATION, 250 ADL');
    expect(embeds[0]!.description).toContain(`Total notional: `);
    expect(embeds[0]!.description).toContain('…and 25 more symbols');
    expect(embeds.at(-1)!.footer!.text).toBe(`…and ${1000 - listed} more orders not listed (all counted in the summary above)`);
    expect(embeds[0]!.footer!.text).toBe(`ref ${fake.messages[0]!.body.nonce}`);
  });

  it('waits out a 429 with Retry-After and posts the alert exactly once', async () => {
    fake.failNext('POST', /^\/channels\/\d+\/messages$/, { kind: 'rateLimit', retryAfterSec: 1 });
    await sink().deliver(singleNotification());

    expect(fake.messages).toHaveLength(1);
    const posts = fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages')).map((r) => r.status);
    expect(posts).toEqual([429, 200]);
  });

  it('does not post twice when a delivery is retried with the same nonce', async () => {
    const notification = singleNotification();
    // The first attempt lands, but the connection dies before the answer: the caller cannot know.
    fake.failNext('POST', /^\/channels\/\d+\/messages$/, { kind: 'resetAfterCommit' });
    const first = await failure(sink().deliver(notification));
    expect(first.retryable).toBe(true);

    await sink().deliver(notification);
    await sink().deliver(notification);
    expect(fake.messages).toHaveLength(1);
    expect(fake.requests.filter((r) => r.path.endsWith('/messages'))).toHaveLength(3);
  });

  it('finds an earlier attempt that landed in the channel history and does not post again', async () => {
    const since = Date.now();
    const notification = cascade(30);
    fake.failNext('POST', /^\/channels\/\d+\/messages$/, { kind: 'resetAfterCommit' });
    await failure(sink().deliver(notification));
    await sink().deliver(singleNotification(forceOrderFixture({ orderId: 99 })));

    await sink().deliver(notification, { maybeDelivered: { since } });
    expect(fake.messages).toHaveLength(2);
    // Found by its ref, so no second create was even attempted (the nonce would not help after minutes).
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
    expect(fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/messages'))).toHaveLength(1);
  });

  it('posts when a maybe-delivered alert is not in the history', async () => {
    await sink().deliver(singleNotification(), { maybeDelivered: { since: Date.now() - 3_600_000 } });
    expect(fake.messages).toHaveLength(1);
  });

  it('falls back on the nonce when the bot may not read the history', async () => {
    const notification = singleNotification();
    await sink().deliver(notification);
    fake.withholdHistory(fake.alertChannelId);
    await sink().deliver(notification, { maybeDelivered: { since: Date.now() - 1000 } });
    expect(fake.messages).toHaveLength(1);
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
  });

  it('gives a long rate limit back as retryable with its wait instead of blocking', async () => {
    fake.failNext('POST', /^\/channels\/\d+\/messages$/, { kind: 'rateLimit', retryAfterSec: 60, scope: 'global' });
    const error = await failure(sink().deliver(singleNotification()));
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBeGreaterThanOrEqual(60_000);
    expect(fake.messages).toHaveLength(0);
  });

  it('retries server errors itself, then reports them as retryable', async () => {
    fake.failNext('POST', /^\/channels\/\d+\/messages$/, { kind: 'status', status: 502 }, 4);
    const error = await failure(sink().deliver(singleNotification()));
    expect(error.retryable).toBe(true);
    expect(fake.requests.filter((r) => r.status === 502)).toHaveLength(4);
  });

  it('gives up on a request that hangs after the REST timeout, retryably', async () => {
    const impatient = new REST({ ...discordRestOptions(fake.apiUrl), timeout: 100 }).setToken(fake.token);
    fake.failNext('POST', /^\/channels\/\d+\/messages$/, { kind: 'hang' }, 4);
    const s = new DiscordSink({
      rest: impatient,
      channelId: fake.alertChannelId,
      mentions: { roleId: undefined, minNotionalUsd: undefined },
      logger: log.logger,
    });
    const error = await failure(s.deliver(singleNotification()));
    expect(error.retryable).toBe(true);
    // @discordjs/rest retries a timed-out request 3 times before giving up.
    expect(fake.requests.filter((r) => r.status === 0)).toHaveLength(4);
    impatient.clearHashSweeper();
    impatient.clearHandlerSweeper();
  });

  it.each([
    [401, { message: '401: Unauthorized', code: 0 }, /DISCORD_TOKEN/],
    [403, { message: 'Missing Access', code: 50001 }, /cannot see channel/],
    [403, { message: 'Missing Permissions', code: 50013 }, /Send Messages and Embed Links/],
  ])('reports %i %o as not retryable, saying what to fix', async (status, body, fix) => {
    fake.failNext('POST', /^\/channels\/\d+\/messages$/, { kind: 'status', status, body });
    const error = await failure(sink().deliver(singleNotification()));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(fix);
  });

  it('reports an unknown channel as not retryable', async () => {
    const error = await failure(sink({ channelId: '1999999999999999999' }).deliver(singleNotification()));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/DISCORD_ALERT_CHANNEL_ID/);
  });

  it('pings the role only at or above the threshold, and only that role', async () => {
    const at = (notionalUsd: string) =>
      singleNotification(forceOrderFixture({ orderId: Number(notionalUsd.replace('.', '')), notionalUsd }));
    const s = sink({ roleId: fake.pingRoleId, minNotionalUsd: '50000' });
    await s.deliver(at('49999.99'));
    await s.deliver(at('50000'));
    await s.deliver(at('50000.01'));

    expect(fake.messages.map((m) => m.pinged.roles)).toEqual([[], [fake.pingRoleId], [fake.pingRoleId]]);
    expect(fake.messages.every((m) => !m.pinged.everyone && m.pinged.users.length === 0)).toBe(true);
    expect(fake.messages[1]!.body.allowed_mentions).toEqual({ parse: [], roles: [fake.pingRoleId] });
  });

  it('pings by the account’s own threshold when the notification carries one', async () => {
    const s = sink({ roleId: fake.pingRoleId, minNotionalUsd: '50000' });
    const desk = (notionalUsd: string, orderId: number, mentionNotionalUsd?: string) => ({
      ...singleNotification(forceOrderFixture({ orderId, notionalUsd })),
      account: { name: 'desk-a', ...(mentionNotionalUsd !== undefined && { mentionNotionalUsd }) },
    });
    await s.deliver(desk('20000', 1, '10000'));
    await s.deliver(desk('60000', 2, '100000'));
    await s.deliver(desk('60000', 3));
    expect(fake.messages.map((m) => m.pinged.roles)).toEqual([[fake.pingRoleId], [], [fake.pingRoleId]]);
    expect(fake.messages.map((m) => m.body.embeds?.[0]?.title?.startsWith('desk-a · '))).toEqual([true, true, true]);
  });

  it('posts an operational notice as one inert embed within the limits, pinging nobody even with a role configured', async () => {
    const s = sink({ roleId: fake.pingRoleId, minNotionalUsd: '0' });
    const text = `Binance said: @everyone <@&${fake.pingRoleId}> [click](https://evil.example) ${'x'.repeat(10_000)}`;
    await s.deliver({
      type: 'notice',
      key: 'notice:poll:1:warning:2',
      notice: { severity: 'warning', title: 'forcewatch is blind', text },
    });
    expect(fake.messages).toHaveLength(1);
    const [message] = fake.messages;
    expect(message!.pinged).toEqual({ everyone: false, roles: [], users: [] });
    expect(message!.body.content).toBeUndefined();
    expect(message!.body.allowed_mentions).toEqual({ parse: [] });
    const [embed] = message!.body.embeds ?? [];
    expect(embed?.title).toBe('forcewatch is blind');
    expect(embed?.description).toHaveLength(4096);
    expect(embed?.description).not.toContain('@everyone');
    expect(embedCharacters(embed!)).toBeLessThanOrEqual(6000);
    // A retry of the same notice carries the same nonce: Discord returns the first message.
    await s.deliver({
      type: 'notice',
      key: 'notice:poll:1:warning:2',
      notice: { severity: 'warning', title: 'forcewatch is blind', text },
    });
    expect(fake.messages).toHaveLength(1);
  });

  it.each([
    [{ kind: 'status', status: 401, body: { message: '401: Unauthorized', code: 0 } }, 'auth'],
    [{ kind: 'status', status: 403, body: { message: 'Missing Permissions', code: 50013 } }, 'auth'],
    [{ kind: 'status', status: 400, body: { message: 'Invalid Form Body', code: 50035 } }, 'client_error'],
    [{ kind: 'rateLimit', retryAfterSec: 60, scope: 'global' }, 'rate_limited'],
  ] as const)('gives the failure %o the reason label %s', async (failure_, reason) => {
    fake.failNext('POST', /^\/channels\/\d+\/messages$/, failure_);
    expect((await failure(sink().deliver(singleNotification()))).reason).toBe(reason);
  });

  it('labels server errors server_error and an unreachable Discord network', async () => {
    fake.failNext('POST', /^\/channels\/\d+\/messages$/, { kind: 'status', status: 502 }, 4);
    expect((await failure(sink().deliver(singleNotification()))).reason).toBe('server_error');
    await fake.close();
    const unreachable = new REST({ ...discordRestOptions(fake.apiUrl), retries: 0, timeout: 500 }).setToken(fake.token);
    const s = new DiscordSink({
      rest: unreachable,
      channelId: fake.alertChannelId,
      mentions: { roleId: undefined, minNotionalUsd: undefined },
      logger: log.logger,
    });
    expect((await failure(s.deliver(singleNotification()))).reason).toBe('network');
    unreachable.clearHashSweeper();
    unreachable.clearHandlerSweeper();
    fake = await FakeDiscord.start();
  });

  it('never writes the token into a log line', async () => {
    await sink().deliver(singleNotification());
    fake.failNext('POST', /^\/channels\/\d+\/messages$/, { kind: 'status', status: 401, body: { message: '401: Unauthorized', code: 0 } });
    const error = await failure(sink().deliver(singleNotification(forceOrderFixture({ orderId: 7 }))));
    log.logger.error('delivery failed', { error });
    expect(log.lines.length).toBeGreaterThan(0);
    expect(log.lines.join('\n')).not.toContain(fake.token);
  });
});

describe('alertMentions', () => {
  it('measures a group against the threshold by its total notional', () => {
    const group = cascade(3);
    const total = group.summary.totalNotionalUsd;
    expect(alertMentions(group, { roleId: '5', minNotionalUsd: total }).content).toBe('<@&5>');
    expect(alertMentions(group, { roleId: '5', minNotionalUsd: addDecimal(total, '0.01') }).content).toBeUndefined();
    expect(alertMentions(group, { roleId: undefined, minNotionalUsd: '0' })).toEqual({
      content: undefined,
      allowedMentions: { parse: [] },
    });
    expect(alertMentions(group, { roleId: '5', minNotionalUsd: undefined }).allowedMentions).toEqual({ parse: [], roles: ['5'] });
  });
});
