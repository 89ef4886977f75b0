import * as z from './zod.ts';

/** Any 8-4-4-4-12 hex id. The platform's ids are UUIDs, but the client must not reject a
 * valid-looking id over its version nibble, so this is deliberately lenient. */
export const Uuid = z.guid();

/** `{items: [...]}`, the platform's shape for every collection. */
export const collection = <T extends z.ZodMiniType>(item: T) =>
  z.looseObject({ items: z.array(item) });

/** `paging.cursors.after`: present while more pages follow. */
export const Paging = z.looseObject({
  cursors: z.optional(z.looseObject({ after: z.nullish(z.string()) })),
});

/** The error envelope of every endpoint except the token endpoint. */
export const ErrorEnvelope = z.object({
  error: z.looseObject({
    // Documented as a string ("1006"); accept a number too and normalise.
    code: z.pipe(z.union([z.string(), z.number()]), z.transform(String)),
    message: z.string(),
    details: z.nullish(z.record(z.string(), z.unknown())),
    domain: z.nullish(z.string()),
    context: z.nullish(z.record(z.string(), z.unknown())),
  }),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;

/** The token endpoint's errors use the OAuth shape. */
export const OAuthError = z.looseObject({
  error: z.string(),
  error_description: z.optional(z.string()),
});
export type OAuthError = z.infer<typeof OAuthError>;
