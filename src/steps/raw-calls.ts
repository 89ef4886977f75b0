import type { RawResponse } from '../api/client.ts';
import { UsageError } from '../api/errors.ts';
import { describe } from './args.ts';
import type { StepSession } from './session.ts';

/**
 * The page's own way, typed by hand: `put(f'{base_url}/tenants/{tenant_id}/mfa/status', body)`.
 * Never throws on an error status: like `requests`, the caller reads `status_code`. The answer
 * is also left in `response`, as on the page.
 */
export async function rawCall(
  session: StepSession,
  method: 'GET' | 'PUT' | 'POST' | 'DELETE',
  helper: string,
  path: unknown,
  body?: unknown,
): Promise<RawResponse> {
  if (typeof path !== 'string' || path.trim() === '') {
    throw new UsageError(
      `${helper} expects a path like '/tenants/' + tenant_id + '/mfa/status' (or a full URL under base_url), not ${describe(path)}.`,
    );
  }
  // A string is sent as is, like the page's json.dumps(...) text with its Content-Type header.
  const options =
    typeof body === 'string'
      ? { text: body, headers: { 'Content-Type': 'application/json' } }
      : { json: body };
  const response = await session.busy(`${method} ${path.trim()}`, () =>
    session.client.raw(method, path.trim(), { ...options, signal: session.signal() }),
  );
  session.setVariable('response', response);
  return response;
}
