import { type StoreLocation, stringifyStoreDocument } from '../store/StateStore.js';
import { STORE_SCHEMA_VERSION, type StoreDocument } from '../store/StoreDocument.js';
import type { Fence } from './Fence.js';
import { fencedEval, type RedisCommands } from './fencedEval.js';

/** The key of the Redis store's schema version (one for every account under the prefix). */
export function schemaKey(prefix: string): string {
  return `${prefix}schema`;
}

/** The key of an account's state document. */
export function stateKey(prefix: string, account: string): string {
  return `${prefix}state:${account}`;
}

/** The Redis store was written by a newer forcewatch: this build refuses it, and writes nothing. */
export class RedisStoreVersionError extends Error {
  override readonly name = 'RedisStoreVersionError';
  /** Only an upgrade helps. */
  readonly retryable = false;

  /** The schema key. */
  readonly key: string;

  constructor(
    prefix: string,
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `the forcewatch store in Redis has schema version ${found} (key ${schemaKey(prefix)}), written by a newer forcewatch; ` +
        `this build reads up to version ${supported}. Nothing was written to Redis. Upgrade every instance to the release ` +
        `that wrote it; each account's document from before that upgrade is kept under ${prefix}state:<account>:v${supported}.bak.`,
    );
    this.key = schemaKey(prefix);
  }
}

/** Options of `RedisStoreAdapter`. */
export interface RedisStoreOptions {
  client: RedisCommands;
  /** FORCEWATCH_REDIS_PREFIX, e.g. `forcewatch:`. */
  prefix: string;
  account: string;
  /** This instance's lease on the account: every write checks it. */
  fence: Fence;
  /** Names a second backup of the same version; default `Date.now`. */
  now?: () => number;
}

/**
 * Sets the document and raises the store's schema version to ours, unless the store is newer (-1:
 * an older instance must never overwrite what a newer one migrated). Fenced (`fencedEval`). KEYS: state,
 * schema; ARGV: the document, our schema version.
 */
const WRITE_STATE = `
local schema = tonumber(redis.call('GET', KEYS[2]))
if schema and schema > tonumber(ARGV[2]) then return -1 end
redis.call('SET', KEYS[1], ARGV[1])
if not schema or schema < tonumber(ARGV[2]) then redis.call('SET', KEYS[2], ARGV[2]) end
return 1
`;

/**
 * Copies the document to its backup key, or to a timestamped one when a different backup is there;
 * returns the key it is under. Fenced. KEYS: state, backup, timestamped backup.
 */
const BACKUP_STATE = `
local doc = redis.call('GET', KEYS[1])
local old = redis.call('GET', KEYS[2])
if old == false or old == doc then redis.call('SET', KEYS[2], doc) return KEYS[2] end
redis.call('SET', KEYS[3], doc)
return KEYS[3]
`;

/**
 * An account's StoreDocument in Redis (`<prefix>state:<account>`), for `StateStore.open`'s `location`:
 * the same schema and whole-document writes as the lowdb file, each write one fenced script, so an
 * instance that lost the account's lease can no longer change its state (`FencedOutError`).
 */
export class RedisStoreAdapter implements StoreLocation {
  private readonly client: RedisCommands;
  private readonly fence: Fence;
  private readonly account: string;
  /** The state document's key. */
  readonly key: string;
  private readonly schema: string;
  private readonly prefix: string;
  private readonly now: () => number;

  constructor(options: RedisStoreOptions) {
    this.client = options.client;
    this.fence = options.fence;
    this.account = options.account;
    this.key = stateKey(options.prefix, options.account);
    this.schema = schemaKey(options.prefix);
    this.prefix = options.prefix;
    this.now = options.now ?? Date.now;
  }

  /** Whether the account has a document; throws `RedisStoreVersionError` when the store is newer than this build. */
  async exists(): Promise<boolean> {
    const [schema, exists] = await Promise.all([this.client.get(this.schema), this.client.exists([this.key])]);
    const version = schema === null ? undefined : Number(schema);
    if (version !== undefined && !(version <= STORE_SCHEMA_VERSION)) {
      throw new RedisStoreVersionError(this.prefix, version, STORE_SCHEMA_VERSION);
    }
    return exists > 0;
  }

  /** The document, or null when the account has none yet (a parse failure throws the SyntaxError). */
  async read(): Promise<StoreDocument | null> {
    const text = await this.client.get(this.key);
    return text === null ? null : (JSON.parse(text) as StoreDocument);
  }

  /** Writes the whole document, if this instance still holds the lease. */
  async write(doc: StoreDocument): Promise<void> {
    const reply = await fencedEval(this.client, this.fence, `the state write of account "${this.account}"`, WRITE_STATE, {
      keys: [this.key, this.schema],
      args: [stringifyStoreDocument(doc), String(STORE_SCHEMA_VERSION)],
    });
    if (reply === -1) {
      const found = Number(await this.client.get(this.schema));
      throw new RedisStoreVersionError(this.prefix, found, STORE_SCHEMA_VERSION);
    }
  }

  /** Copies the document to `<key>:v<version>.bak` before a migration rewrites it (fenced). */
  async backup(version: number): Promise<string> {
    const preferred = `${this.key}:v${version}.bak`;
    const reply = await fencedEval(this.client, this.fence, `the pre-migration backup of account "${this.account}"`, BACKUP_STATE, {
      keys: [this.key, preferred, `${this.key}:v${version}.${this.now()}.bak`],
    });
    return String(reply);
  }
}
