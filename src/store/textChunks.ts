/**
 * How much text a store file write hands the file system at a time: a cascade's document or archive
 * append is never one string (and one buffer of its UTF-8) the size of the whole file (a 100,000-order
 * outbox is 60 MB of JSON). Under V8's 128 KB large-object size, so each chunk dies young and cheap.
 */
export const WRITE_CHUNK_CHARS = 64 * 1024;

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
