/** A per-file problem: the file is left out of the project and listed with this reason. */
export class SkipError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'SkipError';
  }
}

/** Turns a filesystem error on one file into a reason the user can act on. */
export function fsReason(err: unknown, what: 'file' | 'folder' = 'file'): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `unreadable: permission denied (give yourself read access to this ${what})`;
    case 'ELOOP':
      return 'symlink loop: the link points back to itself';
    case 'ENOENT':
      return what === 'file' ? 'file disappeared or is a broken symlink' : 'folder disappeared or is a broken symlink';
    case 'EISDIR':
      return 'expected a file but found a folder';
    case 'EIO':
      return `unreadable: input/output error (the disk or network share may be failing)`;
    default:
      return `unreadable: ${code ?? (err as Error)?.message ?? String(err)}`;
  }
}

/** The reason to record for any error thrown while handling one file. */
export function reasonOf(err: unknown): string {
  if (err instanceof SkipError) return err.reason;
  if ((err as NodeJS.ErrnoException)?.code) return fsReason(err);
  return `could not be decoded: ${(err as Error)?.message ?? String(err)}`;
}
