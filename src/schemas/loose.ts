import { z } from 'zod';

// The platform's own lock example sends booleans and versions as strings ("true", "1"); the
// tenant bodies accept those spellings too (see the README's emulator scope).

/** A boolean, or the strings "true" / "false". */
export const LooseBool = z.union([
  z.boolean(),
  z.enum(['true', 'false']).transform((s) => s === 'true'),
]);

/** An integer, or a string of decimal digits. */
export const LooseInt = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d{1,15}$/, 'expected an integer')
    .transform(Number),
]);
