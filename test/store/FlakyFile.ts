import type { Adapter } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { StoreDocument } from '../../src/store/StoreDocument.js';

/** The store file, with writes that fail while `failWhen` says so (a full disk, a process dying before its record). */
export class FlakyFile implements Adapter<StoreDocument> {
  failWhen: ((doc: StoreDocument) => boolean) | undefined;
  private readonly file: JSONFile<StoreDocument>;

  constructor(path: string) {
    this.file = new JSONFile<StoreDocument>(path);
  }

  read(): Promise<StoreDocument | null> {
    return this.file.read();
  }

  async write(doc: StoreDocument): Promise<void> {
    if (this.failWhen?.(doc)) throw new Error('store write failed (test)');
    await this.file.write(doc);
  }
}
