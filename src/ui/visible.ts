// Text from outside (a tenant's name, a platform's message) shown on a terminal: control
// characters made visible, so a name cannot clear the screen, set the window title or move
// the cursor. `\x1b` for ESC and the like, `\u2028` for the line and paragraph separators.

// C0 controls (tab kept as a space would hide it too: escaped as well), DEL, C1, LS, PS.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are what is made visible
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

export function visible(text: string): string {
  return text.replace(CONTROLS, (c) => {
    const code = c.charCodeAt(0);
    return code > 0xff
      ? `\\u${code.toString(16).padStart(4, '0')}`
      : `\\x${code.toString(16).padStart(2, '0')}`;
  });
}
