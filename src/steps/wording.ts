// Small pieces of the sentences helpers say: counts, and values as the user types them back.

/** "1 user", "3 users". */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** A string literal as the user would type it back in a call (for undo lines). */
export function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
