import { PapiSimulator } from '../../../src/simulator/PapiSimulator.js';
import { FakeDiscord, type FakeDiscordOptions } from '../../fakes/discord/FakeDiscord.js';
import { FakeClock } from '../../fakes/FakeClock.js';
import { FakeSlack } from '../../fakes/slack/FakeSlack.js';
import { tempDir } from '../../pipeline/pipelineHarness.js';
import { SLACK_BOT_TOKEN } from './chatEnv.js';

/** Everything around the bot on loopback: a fake clock, the simulator on it, both chat fakes, a temp dir. */
export interface ChatWorld {
  clock: FakeClock;
  sim: PapiSimulator;
  slack: FakeSlack;
  discord: FakeDiscord;
  dir: string;
  /** Closes every server and removes the temp dir. */
  close(): Promise<void>;
}

/** Opens a `ChatWorld`; `seed` drives the simulator's orders. */
export async function openChatWorld(seed: number, discordOptions: FakeDiscordOptions = {}): Promise<ChatWorld> {
  const clock = new FakeClock();
  const sim = await PapiSimulator.start({ now: () => clock.now(), seed });
  const slack = new FakeSlack({ botToken: SLACK_BOT_TOKEN });
  await slack.start();
  const discord = await FakeDiscord.start(discordOptions);
  const dir = await tempDir();
  const close = async () => {
    await Promise.all([sim.close(), slack.stop(), discord.close()]);
    await dir.cleanup();
  };
  return { clock, sim, slack, discord, dir: dir.dir, close };
}
