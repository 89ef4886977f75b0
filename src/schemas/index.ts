// The contract: zod/mini schemas of the platform's requests, answers and errors, shared by the
// client (which validates what arrives) and the emulator (which validates what it is sent).
export * from './auth.ts';
export * from './common.ts';
export * from './loose.ts';
export * from './mfa.ts';
export * from './offering-items.ts';
export * from './pricing.ts';
export * from './reports.ts';
export * from './search.ts';
export * from './services.ts';
export * from './tenants.ts';
export * from './usage.ts';
export * from './users.ts';
