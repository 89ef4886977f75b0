// Text from outside (a tenant's name, a user's login, a platform message, a notebook) on its
// way to a terminal: a name like `Evil \e]0;PWNED\a\e[2J Corp` would set the window title and
// clear the screen. Every control character that can move the cursor, erase, set a title,
// switch character sets or reorder what is shown (C0, DEL, C1, the Unicode line separators and
// bidirectional overrides) is shown as an escape instead: `Evil \x1b]0;PWNED\x07\x1b[2J Corp`.

// C0 but tab and line feed, DEL, C1; U+2028/2029; the bidi embeddings, overrides and isolates.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: a colour sequence starts with ESC
const SGR = /\u001b\[[0-9;]*m/;
const PATTERN = new RegExp(`(${SGR.source})|${CONTROL.source}|(\\n)|(\\t)`, 'g');

const NAMED: Record<string, string> = { '\r': '\\r', '\n': '\\n', '\t': '\\t', '\u001b': '\\x1b' };

function shown(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
}

export interface VisibleOptions {
  /** Keep line breaks (a message of several lines); else they show as `\n` (a name, a cell). */
  newlines?: boolean;
  /** Keep colour sequences (SGR): what the shell's own colouring or the user's code wrote. */
  colors?: boolean;
}

/** `text` safe to print: control characters shown as escapes, nothing else changed. */
export function visible(text: string, options: VisibleOptions = {}): string {
  const { newlines = true, colors = false } = options;
  return text.replace(PATTERN, (match, sgr: string | undefined, lf?: string, tab?: string) => {
    if (sgr !== undefined) return colors ? match : shown('\u001b') + match.slice(1);
    if (lf !== undefined) return newlines ? match : shown(match);
    if (tab !== undefined) return newlines ? match : shown(match);
    return shown(match);
  });
}

/** A one-line form of outside text (a name in a prompt, a table cell, a picker's choice). */
export function visibleLine(text: string): string {
  return visible(text, { newlines: false });
}

/** Whether the text holds a character `visible` would escape (tests, and deciding to quote). */
export function hasControl(text: string): boolean {
  return new RegExp(CONTROL.source).test(text);
}
