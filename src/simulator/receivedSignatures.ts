/**
 * Every `signature` any simulator in this process has received, as sent (URL-encoded) and decoded.
 * Module-level on purpose: the suite-wide secret-leak check (test/setup) reads it after each test
 * file to prove no signature was printed, without every test having to hand its simulator over.
 */
const received = new Set<string>();

/** Records the `signature` parameter of one request (nothing when the request carried none). */
export function recordSignature(signature: string | undefined): void {
  if (!signature) return;
  received.add(signature);
  received.add(encodeURIComponent(signature));
}

/** The signatures received so far, read-only. */
export function receivedSignatures(): ReadonlySet<string> {
  return received;
}
