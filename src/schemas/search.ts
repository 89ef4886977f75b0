import { z } from 'zod';
import { Uuid } from './common.ts';

/** One hit of `GET /search`: tenants and users mixed, told apart by `obj_type`. */
export const SearchItem = z.looseObject({
  obj_type: z.enum(['tenant', 'user']),
  id: Uuid,
  parent_id: Uuid.nullish(),
  path: z.string().nullish(),
  name: z.string().nullish(),
  kind: z.string().nullish(),
  login: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
});
export type SearchItem = z.infer<typeof SearchItem>;

export const SearchResult = z.looseObject({ items: z.array(SearchItem) });
export type SearchResult = z.infer<typeof SearchResult>;
