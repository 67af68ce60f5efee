import type { WireError } from '../../preload/contract';

/** A failed call, with the Node side's code so the UI can react without parsing text. */
export class ApiError extends Error {
  constructor(
    readonly code: WireError['code'] | 'disconnected',
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
