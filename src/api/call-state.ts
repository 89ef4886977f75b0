// What one call has done so far: the record it becomes (tries, auth, bodies) is built from it.
import type { CallAuth } from './request-log.ts';

export interface CallState {
  method: string;
  path: string;
  tries: number;
  retries: number;
  auth: CallAuth;
  requestBody: unknown;
  contentType: string | undefined;
  responseBody: unknown;
  startedAt: number;
  emitted: boolean;
}
