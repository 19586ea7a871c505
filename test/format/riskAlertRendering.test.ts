import { describe, expect, it } from 'vitest';
import { ConsoleSink } from '../../src/console/ConsoleSink.js';
import { renderAlertEmbeds } from '../../src/discord/renderDiscord.js';
import { RISK_GUIDANCE_NOTE, RISK_LEVEL_GUIDANCE, riskAlertMentions } from '../../src/format/riskAlertText.js';
import type { RiskEvent, RiskNotification } from '../../src/sinks/Sink.js';
import { renderAlert } from '../../src/slack/blockKit.js';
import { RISK_LEVELS } from '../../src/stream/events.js';
import { validateMessage } from '../fakes/discord/validateMessage.js';
import { validateBlocks } from '../fakes/slack/validateBlocks.js';

/** The longest decimal the stream's parser lets through is unbounded: render one far beyond any real figure. */
const HUGE = `${'9'.repeat(1_500)}.${'1'.repeat(1_500)}`;

const figures = { uniMmr: '1.2345', equity: '-1500.5', actualEquity: '0', maintenanceMargin: '1215.55' };

/** One risk alert of every kind and level, plus the same with huge figures. */
const events: RiskEvent[] = [
  ...RISK_LEVELS.map((level): RiskEvent => ({ kind: 'level', level, time: Date.UTC(2026, 11, 1, 21, 0), ...figures })),
  { kind: 'normal', previousLevel: 'REDUCE_ONLY', time: Date.UTC(2026, 11, 1, 21, 5), ...figures },
  { kind: 'warning', threshold: '1.5', time: Date.UTC(2026, 11, 1, 20, 0), ...figures },
  { kind: 'level', level: 'FORCE_LIQUIDATION', time: 8.64e15 + 1, uniMmr: HUGE, equity: HUGE, actualEquity: HUGE, maintenanceMargin: HUGE },
  { kind: 'warning', threshold: HUGE, time: 0, uniMmr: HUGE, equity: HUGE, actualEquity: HUGE, maintenanceMargin: HUGE },
];

const notification = (risk: RiskEvent): RiskNotification => ({
  type: 'risk',
  key: `risk:${risk.time}:${risk.kind}`,
  alert: { id: `risk:${risk.time}:${risk.kind}`, risk },
});

/** Each platform's rendering of a risk alert, checked with the same validators the fakes refuse messages with. */
describe('risk alert rendering', () => {
  it.each(events.map((risk) => [risk.kind, risk]))('a %s alert stays within Slack’s block limits, with or without a mention', (_, risk) => {
    for (const mention of [undefined, '<!subteam^S0RISKTEAM>']) {
      const message = renderAlert(notification(risk), { mention });
      expect(validateBlocks(message.blocks)).toBeUndefined();
      expect(message.text.length).toBeLessThanOrEqual(40_000); // chat.postMessage truncates text beyond this
    }
  });

  it.each(events.map((risk) => [risk.kind, risk]))('a %s alert stays within Discord’s embed limits', (_, risk) => {
    const embeds = renderAlertEmbeds(notification(risk));
    expect(embeds).toHaveLength(1);
    expect(validateMessage({ embeds, allowed_mentions: { parse: [] } }, { requireContentOrEmbeds: true })).toEqual([]);
  });

  it('says what each level means and what to do, and that it is guidance only, on every platform', async () => {
    for (const level of RISK_LEVELS) {
      const n = notification({ kind: 'level', level, time: Date.UTC(2026, 11, 1), ...figures });
      const { meaning, action } = RISK_LEVEL_GUIDANCE[level];
      const slack = JSON.stringify(renderAlert(n).blocks);
      const discord = JSON.stringify(renderAlertEmbeds(n));
      const printed: string[] = [];
      await new ConsoleSink({ write: (text) => void printed.push(text) }).deliver(n);
      for (const text of [slack, discord, printed.join('')]) {
        expect(text).toContain(level === 'FORCE_LIQUIDATION' ? 'liquidation engine' : meaning.slice(0, 20));
        expect(text).toContain(action.slice(0, 30));
        expect(text).toContain(RISK_GUIDANCE_NOTE);
      }
    }
  });

  it('calls people at REDUCE_ONLY and FORCE_LIQUIDATION only', () => {
    const called = RISK_LEVELS.filter((level) => riskAlertMentions({ kind: 'level', level, time: 0, ...figures }));
    expect(called).toEqual(['REDUCE_ONLY', 'FORCE_LIQUIDATION']);
    expect(riskAlertMentions({ kind: 'normal', previousLevel: 'FORCE_LIQUIDATION', time: 0, ...figures })).toBe(false);
    expect(riskAlertMentions({ kind: 'warning', threshold: '1.5', time: 0, ...figures })).toBe(false);
  });
});
