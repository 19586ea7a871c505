import { createHash } from 'node:crypto';
import { NONCE_MAX } from './discordLimits.js';

/**
 * A message nonce derived only from the notification key, so every retry of one alert carries the
 * same nonce and, with `enforce_nonce`, Discord returns the first message instead of posting again.
 * Keys can be long (a group's key names many orders), so the nonce is a hash cut to Discord's 25
 * characters: 24 base64url characters keep 144 bits, far past any collision risk.
 * Docs: https://discord.com/developers/docs/resources/message#create-message-jsonform-params
 */
export function alertNonce(key: string): string {
  const digest = createHash('sha256').update(key).digest('base64url');
  return `f${digest}`.slice(0, NONCE_MAX);
}

/**
 * The visible marker (`ref <nonce>`) an alert carries in its footer. Discord remembers a nonce for
 * minutes only; the marker lets a later attempt find the message in the channel's history instead.
 */
export function alertRef(key: string): string {
  return `ref ${alertNonce(key)}`;
}
