// Random hex for temporary file names and lock tokens. node:crypto is loaded on the first call,
// not at every start: these are written now and then, and the module costs 3–10 ms to load.
export function randomHex(bytes: number): string {
  return process.getBuiltinModule('node:crypto').randomBytes(bytes).toString('hex');
}
