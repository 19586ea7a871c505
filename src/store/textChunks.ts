/**
 * How much text a store file write hands the file system at a time: big enough that a write is a few
 * calls, small enough that a cascade's document or archive append is never one string (and one buffer
 * of its UTF-8) the size of the whole file. A 100,000-order outbox is 60 MB of JSON.
 */
export const WRITE_CHUNK_CHARS = 256 * 1024;

/** `pieces` joined into strings of about `chunkChars` characters (the last one shorter), in order. */
export function* textChunks(pieces: Iterable<string>, chunkChars = WRITE_CHUNK_CHARS): Generator<string> {
  let pending: string[] = [];
  let length = 0;
  for (const piece of pieces) {
    pending.push(piece);
    length += piece.length;
    if (length >= chunkChars) {
      yield pending.join('');
      pending = [];
      length = 0;
    }
  }
  if (pending.length > 0) yield pending.join('');
}
