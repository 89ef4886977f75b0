// `--json`: every value that has a JSON form gets it, the rest one sentence. JSON.stringify
// alone throws on BigInt and circular objects, writes Map and Set as `{}`, and answers
// `undefined` (not text) for a function or a symbol.

export type JsonText = { text: string } | { problem: string };

function kindOf(value: unknown): string | undefined {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  return undefined;
}

/** The value as indented JSON, or why it has no JSON form. */
export function toJsonText(value: unknown): JsonText {
  const top = kindOf(value);
  if (top)
    return {
      problem: `The result is ${top}, which has no JSON form: return data (an object, array, string or number) instead.`,
    };
  const path: object[] = [];
  try {
    const text = JSON.stringify(
      value ?? null,
      function replace(this: unknown, _key: string, raw: unknown) {
        // Called with the holder as `this`: the stack of holders is the way down to `raw`.
        while (path.length > 0 && path.at(-1) !== this) path.pop();
        let v = raw;
        if (typeof v === 'bigint') return v.toString();
        if (v instanceof Map) v = [...v.entries()];
        else if (v instanceof Set) v = [...v.values()];
        if (v !== null && typeof v === 'object') {
          if (path.includes(v)) throw new CircularValue();
          path.push(v);
        }
        return v;
      },
      2,
    );
    return { text: text ?? 'null' };
  } catch (error) {
    if (error instanceof CircularValue)
      return {
        problem:
          'The result refers to itself (a circular object), which has no JSON form: return the part you need.',
      };
    return { problem: `The result has no JSON form: ${(error as Error).message}.` };
  }
}

class CircularValue extends Error {}
