import type { ForceOrderSource } from '../src/binance/types.js';
import type { Logger } from '../src/ops/logger.js';
import type { ArchiveReader } from '../src/queries.js';

/** What `/forceorders` needs from the running bot. */
export interface ForceOrdersDeps {
  exchange: ForceOrderSource;
  archive: ArchiveReader;
  now(): number;
  /** Where exchange and archive failures are logged with their detail (users see a short sentence). */
  logger?: Logger;
}
