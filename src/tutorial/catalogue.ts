// The tutorials the shell ships (tutorials/*.md, next to src/ and dist/), read with the one
// notebook parser. A file that is not a good tutorial is listed with the sentence saying why,
// never a crash: tutorials are files, and a user may add their own.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTutorial, type Tutorial } from '../notebook/parse-notebook.ts';

/**
 * `tutorials/` at the package's root, found by going up from this module: it runs from
 * src/tutorial/, or from the bundle's chunks at another depth.
 */
function packageTutorials(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 5; up++) {
    if (existsSync(join(dir, 'tutorials'))) return join(dir, 'tutorials');
    dir = dirname(dir);
  }
  return fileURLToPath(new URL('../../tutorials/', import.meta.url));
}

export const TUTORIALS_DIR = packageTutorials();

export interface Catalogue {
  tutorials: Tutorial[];
  /** Files that could not be read as tutorials, with the reason. */
  broken: Array<{ name: string; reason: string }>;
}

/** The names `.guide` completes: the files, whether or not they parse. */
export function tutorialNames(dir = TUTORIALS_DIR): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.md'))
      .map((f) => basename(f, '.md'))
      .sort();
  } catch {
    return [];
  }
}

export function readTutorialFile(file: string, name = basename(file, '.md')): Tutorial {
  return parseTutorial(readFileSync(file, 'utf8'), name, `'${basename(file)}'`);
}

/** Every tutorial in `dir`, in the lesson order (`order`, then name). */
export function loadCatalogue(dir = TUTORIALS_DIR): Catalogue {
  const catalogue: Catalogue = { tutorials: [], broken: [] };
  for (const name of tutorialNames(dir)) {
    try {
      catalogue.tutorials.push(readTutorialFile(`${dir}/${name}.md`, name));
    } catch (error) {
      catalogue.broken.push({ name, reason: (error as Error).message });
    }
  }
  catalogue.tutorials.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
  return catalogue;
}
