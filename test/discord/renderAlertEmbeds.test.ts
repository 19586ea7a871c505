import { describe, expect, it } from 'vitest';
import { renderAlertEmbeds } from '../../src/discord/renderAlertEmbeds.js';
import { validateMessage } from '../fakes/discord/validateMessage.js';
import { forceOrderFixture } from '../fakes/forceOrderFixture.js';
import { cascade, singleNotification } from './alertFixtures.js';

/** Every string of the embeds Discord would render. */
function texts(embeds: ReturnType<typeof renderAlertEmbeds>): string[] {
  return embeds.flatMap((e) => [
    e.title ?? '',
    e.description ?? '',
    e.footer?.text ?? '',
    ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
  ]);
}

describe('renderAlertEmbeds', () => {
  it('shows hostile exchange strings inert: no mention, no masked link', () => {
    const order = forceOrderFixture({ symbol: '@everyone<@&1>', pair: '[pay](https://evil.example)', status: '<#123>[x](http://a)' });
    const embeds = renderAlertEmbeds(singleNotification(order));
    for (const text of texts(embeds)) {
      expect(text).not.toMatch(/@everyone|<[@#]|\]\(\s*https?:/);
    }
    expect(validateMessage({ embeds }, { requireContentOrEmbeds: true })).toEqual([]);
  });

  it('leaves the timestamp out rather than throwing on a time a Date cannot hold', () => {
    const notification = cascade(3);
    notification.summary.lastTime = 9e15;
    expect(renderAlertEmbeds(notification)[0]!.timestamp).toBeUndefined();
  });
});
