/** Turns a file-system error code into what a person should check, for store, archive and lock errors. */
export function describeFsFailure(cause: unknown): string {
  const code = (cause as { code?: unknown } | undefined)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return `permission denied (${String(code)}): make the store's directory writable by this user`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `disk full (${String(code)}): free space on the store's disk`;
    case 'ENOENT':
      return "the store's directory no longer exists (ENOENT): create it, or point FORCEWATCH_DB elsewhere";
    case 'ENOTDIR':
    case 'EISDIR':
    case 'EEXIST':
      return `a file stands where a directory should be, or the other way round (${String(code)}): check FORCEWATCH_DB and its directory`;
    default:
      return cause instanceof Error ? cause.message : String(cause);
  }
}
