/**
 * The stores a burst's pipeline can run on: the default lowdb files (here), or the Redis storage of a
 * high-availability leader (`redisBurstStore.ts`, loaded only by "burst-redis" so that the other
 * scenarios' memory does not carry the Redis client), so "burst" and "burst-redis" are the same
 * scenario on two stores.
 */
import type { PipelineStorage } from '../src/store/PipelineStorage.js';
import type { ScenarioResult } from './Figure.js';

/** One run's store. */
export interface BurstStore {
  /** The pipeline's storage; undefined: the default, lowdb files at the pipeline's `storePath`. */
  storage: PipelineStorage | undefined;
  /** Rejects once the store refuses the pipeline's writes for good (a lost lease), so the run stops waiting; else never settles. */
  broken: Promise<never>;
  /** Starts measuring the store's own cost; the returned stop gives its figures and failures since then. */
  measure(scenario: string): Promise<() => Promise<ScenarioResult>>;
}

/** Opens a store for `body` and closes it afterwards, whatever happens. */
export type WithBurstStore = <T>(body: (store: BurstStore) => Promise<T>) => Promise<T>;

/** The pipeline's default lowdb files: nothing to start, and no cost beyond the bot's own figures. */
export const withLowdbStore: WithBurstStore = (body) =>
  body({ storage: undefined, broken: new Promise<never>(() => {}), measure: async () => async () => ({ figures: [], failures: [] }) });
