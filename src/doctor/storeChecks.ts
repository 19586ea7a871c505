import { randomUUID } from 'node:crypto';
import { readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errorCode, errorMessage } from '../errorCode.js';
import { migrateStoreDocument, storeSchemaVersion } from '../store/migrateStoreDocument.js';
import { ProcessLock } from '../store/ProcessLock.js';
import { STORE_SCHEMA_VERSION, type StoreDocument, storeDocumentProblem } from '../store/StoreDocument.js';
import { type CheckResult, fail, pass } from './CheckResult.js';

/** The store file, then its lock: both read without being changed or taken. */
export async function checkStore(path: string): Promise<CheckResult[]> {
  return [await checkStoreFile(path), await checkStoreLock(path)];
}

const NAME = 'store';
const RESTORE =
  'restore the file from a backup (or its .v<N>.bak copy); moving it aside starts fresh but forgets the watermark and undelivered alerts';

/**
 * Reads the store without changing it: readable, valid, which schema version (an older one is migrated
 * at start, a newer one refused), its size and what it holds; and that its directory takes the temp
 * file lowdb writes beside it on every update.
 */
async function checkStoreFile(path: string): Promise<CheckResult> {
  const directory = dirname(path);
  const writable = await directoryWritable(directory);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = String(errorCode(error) ?? 'error');
    if (code !== 'ENOENT') return fail(NAME, `${path} cannot be read (${code})`, `give this user read and write access to ${path}`);
    if (writable !== true)
      return fail(NAME, `${path} does not exist and ${directory} is not writable (${writable})`, directoryAdvice(directory, writable));
    return pass(NAME, `${path} does not exist yet: it is created at first start`);
  }
  if (writable !== true)
    return fail(
      NAME,
      `${directory} is not writable (${writable}); every update writes a temp file there`,
      directoryAdvice(directory, writable),
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return fail(NAME, `${path} is not valid JSON (${errorMessage(error)})`, RESTORE);
  }
  const version = storeSchemaVersion(parsed);
  if (version !== undefined && version > STORE_SCHEMA_VERSION) {
    return fail(
      NAME,
      `${path} has schema version ${version}, newer than this forcewatch reads (${STORE_SCHEMA_VERSION})`,
      `upgrade forcewatch, or restore ${path}.v${STORE_SCHEMA_VERSION}.bak`,
    );
  }
  const document =
    version !== undefined && version < STORE_SCHEMA_VERSION
      ? migrateStoreDocument(parsed as Record<string, unknown>, version).document
      : parsed;
  const problem = storeDocumentProblem(document);
  if (problem) return fail(NAME, `${path} is not a forcewatch store: ${problem}`, RESTORE);
  const doc = document as StoreDocument;
  const facts = `${Buffer.byteLength(text)} bytes, schema version ${version}, watermark ${new Date(doc.watermark).toISOString()}, ${doc.outbox.length} force-order alert(s) and ${doc.risk.outbox.length} risk alert(s) waiting for delivery`;
  if (version !== STORE_SCHEMA_VERSION)
    return pass(
      NAME,
      `${path}: ${facts}`,
      `it is migrated to version ${STORE_SCHEMA_VERSION} at the next start, after a copy is saved as ${path}.v${version}.bak`,
    );
  return pass(NAME, `${path}: ${facts}`);
}

/** True, or the error code that stopped a temp file being created and removed in `directory`. */
async function directoryWritable(directory: string): Promise<true | string> {
  const probe = `${directory}/.forcewatch-doctor-${randomUUID()}.tmp`;
  try {
    if (!(await stat(directory)).isDirectory()) return 'ENOTDIR';
    await writeFile(probe, '', { flag: 'wx' });
    await unlink(probe);
    return true;
  } catch (error) {
    return String(errorCode(error) ?? 'error');
  }
}

function directoryAdvice(directory: string, code: string): string {
  return code === 'ENOENT'
    ? `create it: mkdir -p ${directory} (or set FORCEWATCH_DB to a path in an existing directory)`
    : `make ${directory} writable by this user`;
}

/**
 * Reads `<store>.lock` and judges its holder as `ProcessLock` does (pid, boot and kernel start time), without
 * taking it: a lock left by a crashed PID 1 is stale even though pid 1 is alive now.
 */
async function checkStoreLock(storePath: string): Promise<CheckResult> {
  const name = 'store lock';
  const path = `${storePath}.lock`;
  let lock: Awaited<ReturnType<typeof ProcessLock.inspect>>;
  try {
    lock = await ProcessLock.inspect(path);
  } catch (error) {
    return fail(name, `${path} cannot be read: ${errorMessage(error)}`, `make ${path} readable by this user`);
  }
  if (lock.state === 'free') return pass(name, 'not locked: no forcewatch is running on this store');
  if (lock.state === 'unparsable') return pass(name, `${path} is unreadable or torn; the next start treats it as stale and takes it over`);
  if (lock.state === 'stale')
    return pass(name, `${path} is left over from a process that is gone (pid ${lock.pid}); the next start takes it over`);
  return fail(
    name,
    `locked by pid ${lock.pid} since ${new Date(lock.startedAt).toISOString()}: a forcewatch is running on this store`,
    `expected if you are checking a running bot; otherwise stop pid ${lock.pid} before starting another (two bots on one store would alert twice), or point FORCEWATCH_DB elsewhere`,
  );
}
