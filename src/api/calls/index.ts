// The typed calls of the onboarding journey, one file per resource (as the emulator's
// routes/ are): a reader finds a call by its noun. The 2FA page's calls live in endpoints.ts.
export * from './offering-items.ts';
export * from './pricing.ts';
export * from './reports.ts';
export * from './services.ts';
export * from './tenants.ts';
export * from './tokens.ts';
export * from './usage.ts';
export * from './users.ts';
