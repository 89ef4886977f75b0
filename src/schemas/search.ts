import { Uuid } from './common.ts';
import * as z from './zod.ts';

const Text = z.nullish(z.string());

/** One hit of `GET /search`: tenants and users mixed, told apart by `obj_type`. */
export const SearchItem = z.looseObject({
  obj_type: z.enum(['tenant', 'user']),
  id: Uuid,
  parent_id: z.nullish(Uuid),
  path: Text,
  name: Text,
  kind: Text,
  login: Text,
  first_name: Text,
  last_name: Text,
});
export type SearchItem = z.infer<typeof SearchItem>;

export const SearchResult = z.looseObject({ items: z.array(SearchItem) });
export type SearchResult = z.infer<typeof SearchResult>;
