import type { z } from 'zod';
import { isMethod, requests, type Method, type Result } from '../../preload/contract';
import { UserError } from './errors';

/** Params after validation, with the schema's defaults filled in. */
export type ParsedParams<M extends Method> = z.output<(typeof requests)[M]['params']>;
export type Handlers = { [M in Method]: (params: ParsedParams<M>) => Promise<Result<M>> };

/**
 * The single entry point both transports use: checks the method name, validates the params
 * with the contract's zod schema, then runs the handler. Anything malformed becomes a
 * UserError('invalid_request') with the schema's own explanation.
 */
export async function dispatch(handlers: Handlers, method: unknown, params: unknown): Promise<unknown> {
  if (!isMethod(method)) throw new UserError('unknown_method', `Unknown request ${JSON.stringify(String(method)).slice(0, 80)}.`);
  const parsed = requests[method].params.safeParse(params ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ');
    throw new UserError('invalid_request', `Invalid ${method} request: ${issues}.`);
  }
  const handler = handlers[method] as (p: unknown) => Promise<unknown>;
  return handler(parsed.data);
}
