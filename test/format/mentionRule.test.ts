import { describe, expect, it } from 'vitest';
import { mentionIsDue } from '../../src/format/mentionRule.js';
import type { Notification } from '../../src/sinks/Sink.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { group, single } from '../slack/notifications.js';

const order = (notionalUsd: string) => single(forceOrderFixture({ notionalUsd }));
const forAccount = (notification: Notification, mentionNotionalUsd?: string): Notification => ({
  ...notification,
  account: { name: 'desk-a', ...(mentionNotionalUsd !== undefined && { mentionNotionalUsd }) },
});

describe('mentionIsDue', () => {
  it('measures an order against the sink’s threshold, at or above it; every order without one', () => {
    expect(mentionIsDue(order('49999.99'), '50000')).toBe(false);
    expect(mentionIsDue(order('50000'), '50000')).toBe(true);
    expect(mentionIsDue(order('1'), undefined)).toBe(true);
  });

  it('takes the account’s own threshold before the sink’s, higher or lower', () => {
    expect(mentionIsDue(forAccount(order('60000'), '100000'), '50000')).toBe(false);
    expect(mentionIsDue(forAccount(order('20000'), '10000'), '50000')).toBe(true);
    expect(mentionIsDue(forAccount(order('20000'), '10000'), undefined)).toBe(true);
    expect(mentionIsDue(forAccount(order('5000'), '10000'), undefined)).toBe(false);
    // An account without a threshold of its own keeps the sink's.
    expect(mentionIsDue(forAccount(order('20000')), '50000')).toBe(false);
  });

  it('measures a group by its total', () => {
    const cascade = group(3); // 600 USD in all
    expect(mentionIsDue(forAccount(cascade, cascade.summary.totalNotionalUsd), '1000000')).toBe(true);
    expect(mentionIsDue(forAccount(cascade, '600.01'), '0')).toBe(false);
  });

  it('calls nobody for a notice and calls by level for a risk alert, whatever the thresholds', () => {
    const notice: Notification = { type: 'notice', key: 'n', notice: { severity: 'warning', title: 't', text: 'x' } };
    expect(mentionIsDue(forAccount(notice, '0'), '0')).toBe(false);
    const risk = (level: 'MARGIN_CALL' | 'REDUCE_ONLY'): Notification =>
      forAccount(
        {
          type: 'risk',
          key: level,
          alert: {
            id: level,
            risk: { kind: 'level', level, time: 0, uniMmr: '1', equity: '1', actualEquity: '1', maintenanceMargin: '1' },
          },
        },
        '1000000000',
      );
    expect(mentionIsDue(risk('REDUCE_ONLY'), '1000000000')).toBe(true);
    expect(mentionIsDue(risk('MARGIN_CALL'), '0')).toBe(false);
  });
});
