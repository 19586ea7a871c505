/** The store was written by a newer forcewatch whose schema this build cannot read: start-up stops, the file is untouched. */
export class StoreVersionError extends Error {
  override readonly name = 'StoreVersionError';
  /** Only an upgrade or a restored backup helps. */
  readonly retryable = false;
  /** The store file. */
  readonly file: string;
  /** Schema version found in the file. */
  readonly found: number;
  /** Newest schema version this build reads. */
  readonly supported: number;

  constructor(file: string, found: number, supported: number) {
    super(
      `the forcewatch store ${file} has schema version ${found}, written by a newer forcewatch; this build reads up to ` +
        `version ${supported}. The file was left untouched. Upgrade forcewatch to the release that wrote it, or stop ` +
        `and restore the backup that upgrade made (${file}.v${supported}.bak) to run this older release.`,
    );
    this.file = file;
    this.found = found;
    this.supported = supported;
  }
}
