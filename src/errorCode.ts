/**
 * The `code` property of a thrown value: Node's `ENOENT`/`EEXIST`, Slack's and discord.js's error codes,
 * Binance's numeric codes. Thrown values are `unknown`, and a bare cast at every call site hid typos.
 */
export function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? (error as { code: unknown }).code : undefined;
}

/** The message of a thrown value, or its text when it is not an Error. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
