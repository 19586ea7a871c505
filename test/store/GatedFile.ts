import type { Adapter } from 'lowdb';
import { compactJsonFile } from '../../src/store/StateStore.js';
import type { StoreDocument } from '../../src/store/StoreDocument.js';

/** A write the test holds: `started` resolves when it begins; `release()` lets it through, `release(error)` fails it. */
export interface HeldWrite {
  started: Promise<StoreDocument>;
  release(error?: Error): void;
}

/** The real store file, whose next write a test can hold in flight and then let through or fail. */
export class GatedFile implements Adapter<StoreDocument> {
  /** Every document a write was asked for, in order, whether it landed or not. */
  readonly writes: StoreDocument[] = [];
  private readonly file: Adapter<StoreDocument>;
  private held: { begin: (doc: StoreDocument) => void; outcome: Promise<Error | undefined> } | undefined;

  constructor(path: string) {
    this.file = compactJsonFile(path);
  }

  read(): Promise<StoreDocument | null> {
    return this.file.read();
  }

  async write(doc: StoreDocument): Promise<void> {
    this.writes.push(doc);
    const held = this.held;
    this.held = undefined;
    if (held) {
      held.begin(doc);
      const error = await held.outcome;
      if (error) throw error;
    }
    await this.file.write(doc);
  }

  /** Holds the next write until the returned `release` is called. */
  holdNextWrite(): HeldWrite {
    let begin!: (doc: StoreDocument) => void;
    let release!: (error?: Error) => void;
    const started = new Promise<StoreDocument>((resolve) => (begin = resolve));
    const outcome = new Promise<Error | undefined>((resolve) => (release = resolve));
    this.held = { begin, outcome };
    return { started, release };
  }
}
