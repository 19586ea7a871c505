import { afterEach, describe, expect, it } from 'vitest';
import { LeaseLossNotices } from '../../src/ha/LeaseLossNotices.js';
import { NoticeSender } from '../../src/sinks/NoticeSender.js';
import { MINUTE_MS } from '../../src/time.js';
import { captureLogger } from '../fakes/captureLogger.js';
import { FakeClock } from '../fakes/FakeClock.js';
import { RecordingSink } from '../fakes/recordingSink.js';

const AFTER_MS = 2 * MINUTE_MS;
const LEASE_MS = 10_000;

/** Who Redis says leads the account once it is back; `down`: Redis is gone again before it is read. */
interface Holder {
  id: string | undefined;
  down?: boolean;
}

/** The notices of one account led by instance `vm-1`. */
function setup(holder: Holder = { id: undefined }) {
  const clock = new FakeClock();
  const slack = new RecordingSink('slack');
  const discord = new RecordingSink('discord');
  const { logger } = captureLogger();
  const sender = new NoticeSender({ clock, logger });
  const notices = new LeaseLossNotices({
    account: 'desk-a',
    sinks: [slack, discord],
    sender,
    clock,
    logger,
    afterMs: AFTER_MS,
    settleMs: LEASE_MS,
    instanceId: 'vm-1',
    leader: async () => {
      if (holder.down) throw new Error('The client is offline');
      return holder.id;
    },
  });
  stops.push(
    () => notices.stop(),
    () => sender.stop(),
  );
  const said = () => slack.notices.map((n) => `${n.notice.severity}: ${n.notice.title}`);
  return { clock, slack, discord, notices, said };
}

const stops: (() => unknown)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

describe('LeaseLossNotices: a Redis outage that ends the leader’s term is never silent', () => {
  it('warns both channels once, WATCHDOG_AFTER after the term ended, saying what is blind and what to do', async () => {
    const { clock, slack, discord, notices, said } = setup();
    notices.lost();
    await clock.advance(AFTER_MS - 1);
    expect(said()).toEqual([]);
    await clock.advance(1);
    await slack.untilNotices(1);
    await discord.untilNotices(1);
    expect(said()).toEqual(['warning: forcewatch may be blind: the leading instance lost Redis']);
    const { key, notice } = slack.notices[0]!;
    expect(key).toBe(`notice:lease:desk-a:${clock.now() - AFTER_MS}:warning`);
    expect(notice.text).toContain('Instance vm-1 led this account until 2026-11-25T12:00:00Z');
    expect(notice.text).toContain('for 2m it has neither watched Binance nor delivered for it');
    expect(notice.text).toContain('REDIS_URL');
    expect(discord.notices.map((n) => n.key)).toEqual([key]);
    // A second end of a term in the same outage is the same incident: nothing more.
    notices.lost();
    await clock.advance(AFTER_MS);
    expect(said()).toHaveLength(1);
  });

  it('says nothing of an outage shorter than WATCHDOG_AFTER, nor when the instance leads again first', async () => {
    const { clock, notices, said } = setup({ id: 'vm-2' });
    notices.lost();
    await clock.advance(AFTER_MS / 2);
    notices.redisBack();
    await clock.advance(AFTER_MS * 2);
    notices.lost();
    await clock.advance(AFTER_MS / 2);
    notices.leading();
    await clock.advance(AFTER_MS * 2);
    expect(said()).toEqual([]);
  });

  it('still warns when Redis is back only for a moment (gone again before anyone leads), or back with nobody leading', async () => {
    const holder: Holder = { id: undefined, down: true };
    const { clock, slack, notices, said } = setup(holder);
    notices.lost();
    await clock.advance(AFTER_MS / 4);
    notices.redisBack(); // and gone again before the read
    await clock.advance(LEASE_MS);
    holder.down = false;
    notices.redisBack(); // back, but nobody has taken the lease
    await clock.advance(AFTER_MS);
    await slack.untilNotices(1);
    expect(said()).toEqual(['warning: forcewatch may be blind: the leading instance lost Redis']);
  });

  it('once Redis is back, waits a lease for someone to take the account and says who leads it', async () => {
    const holder: Holder = { id: undefined };
    const { clock, slack, notices, said } = setup(holder);
    notices.lost();
    await clock.advance(AFTER_MS);
    await slack.untilNotices(1);
    await clock.advance(5 * MINUTE_MS - LEASE_MS);
    notices.redisBack();
    holder.id = 'vm-2'; // taken within the lease
    await clock.advance(LEASE_MS);
    await slack.untilNotices(2);
    expect(said()[1]).toBe('recovered: forcewatch reaches Redis again');
    expect(slack.notices[1]!.notice.text).toContain(
      'Instance vm-1 reaches Redis again after 7m (lost at 2026-11-25T12:00:00Z). Instance vm-2 leads the account.',
    );
    expect(slack.notices[1]!.key).toBe(`notice:lease:desk-a:${clock.now() - 7 * MINUTE_MS}:recovered`);
  });

  it('says at once that this instance leads again when it retakes the lease before the settling read', async () => {
    const { clock, slack, notices, said } = setup({ id: 'vm-2' });
    notices.lost();
    await clock.advance(AFTER_MS);
    notices.redisBack();
    notices.leading();
    await slack.untilNotices(2);
    expect(slack.notices[1]!.notice.text).toContain('This instance leads the account again.');
    // The settling read, aborted, adds nothing.
    await clock.advance(LEASE_MS * 2);
    expect(said()).toHaveLength(2);
  });

  it('says nobody leads yet when Redis answers but no lease was taken within the lease', async () => {
    const { clock, slack, notices } = setup();
    notices.lost();
    await clock.advance(AFTER_MS);
    notices.redisBack();
    await clock.advance(LEASE_MS);
    await slack.untilNotices(2);
    expect(slack.notices[1]!.notice.text).toContain('No instance leads the account yet');
  });
});
