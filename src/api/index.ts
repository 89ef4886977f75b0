// The client of the platform's account-management API: import from here.

export * as calls from './calls/index.ts';
export * from './client.ts';
export * as endpoints from './endpoints.ts';
export * from './errors.ts';
export * from './explain.ts';
export * from './redact.ts';
export * from './request-log.ts';
export * from './retry.ts';
export * from './token.ts';
export * from './url.ts';
