import type { WireError } from '../../preload/contract';

/** An error meant for the user: it says what went wrong and what to do. */
export class UserError extends Error {
  constructor(
    readonly code: WireError['code'],
    message: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export function toWireError(err: unknown): WireError {
  if (err instanceof UserError) return { code: err.code, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'failed', message };
}
