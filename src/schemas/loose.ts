import * as z from './zod.ts';

// The platform's own lock example sends booleans and versions as strings ("true", "1"); the
// tenant bodies accept those spellings too (see the README's emulator scope).

/** A boolean, or the strings "true" / "false". */
export const LooseBool = z.union([
  z.boolean(),
  z.pipe(
    z.enum(['true', 'false']),
    z.transform((s) => s === 'true'),
  ),
]);

/** An integer, or a string of decimal digits. */
export const LooseInt = z.union([
  z.int(),
  z.pipe(z.string().check(z.regex(/^-?\d{1,15}$/, 'expected an integer')), z.transform(Number)),
]);
