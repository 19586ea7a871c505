/** An epoch-ms instant as ISO 8601 UTC to the second (`2026-11-25T12:00:00Z`), the same everywhere. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
