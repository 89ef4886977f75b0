/** A path as a POSIX shell reads it back: as it is when plain, else in single quotes. */
export function shellQuote(path: string): string {
  return /^[\w@%+=:,./~-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}
