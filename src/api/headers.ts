// Request headers: the caller's merged over ours, without letting them replace our token.
export function mergeHeaders(
  base: Record<string, string>,
  extra: Record<string, string>,
  keepOurAuthorization: boolean,
): Record<string, string> {
  const out = { ...base };
  for (const key in extra) {
    const lower = key.toLowerCase();
    if (lower === 'authorization' && keepOurAuthorization) continue;
    const value = extra[key];
    if (value !== undefined) out[lower] = value;
  }
  return out;
}
