import type { FakeSlack } from '../../fakes/slack/FakeSlack.js';

/**
 * Calls `listener` from inside the turn in which the fake Slack records a posted message, before it
 * answers the post (the fake offers no event for that moment; its `messages` list is where it records);
 * returns the function that stops it.
 */
export function onSlackAccept(slack: FakeSlack, listener: () => void): () => void {
  const { messages } = slack;
  const push = messages.push;
  let listening = true;
  messages.push = (...added) => {
    const length = push.apply(messages, added);
    if (listening) listener();
    return length;
  };
  return () => {
    listening = false;
    messages.push = push;
  };
}
