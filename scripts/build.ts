// `node --import tsx scripts/build.ts`: bundles src/main.ts into dist/bundle/tenant-shell.mjs,
// with the parts loaded on first use (the login questions and Inquirer, ora, the embedded
// emulator, the REPL, one-shot mode) left as chunks behind their dynamic imports. Loading one
// minified file instead of ~100 modules through tsx is most of the shell's start-up time
// (README, Benchmarks). bin/tenant-shell.js runs the bundle when it is newer than the sources.
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BUNDLE_DIR = `${ROOT}dist/bundle`;
export const BUNDLE = `${BUNDLE_DIR}/tenant-shell.mjs`;

const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {
  name: string;
  version: string;
};
const identity = JSON.stringify({ name: pkg.name, version: pkg.version });

/**
 * Sources read package.json relative to their own file (`../../package.json`), which points
 * elsewhere once they sit in a bundle chunk: the version is put in at build time instead.
 * Any other reference to package.json fails the build rather than the installed command.
 */
const inlinePackageJson: Plugin = {
  name: 'inline-package-json',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('package.json')) return undefined;
      const contents = source
        .replace(
          /createRequire\(import\.meta\.url\)\(\s*(['"])(?:\.\.\/)+package\.json\1\s*\)/g,
          `(${identity})`,
        )
        .replace(
          /readFileSync\(\s*new URL\(\s*(['"])(?:\.\.\/)+package\.json\1,\s*import\.meta\.url\s*\),\s*'utf8'\s*\)/g,
          JSON.stringify(identity),
        );
      const left = contents
        .split('\n')
        .filter((line) => line.includes('package.json') && !/^\s*(\/\/|\*|\/\*)/.test(line));
      if (left.length) {
        return {
          errors: [{ text: `unhandled package.json reference: ${left[0]?.trim()}` }],
        };
      }
      return { contents, loader: 'ts' };
    });
  },
};

/** What src/ takes from undici, from the files that define it. */
const UNDICI_PARTS: Record<string, string> = {
  Agent: 'undici/lib/dispatcher/agent.js',
  buildConnector: 'undici/lib/core/connect.js',
  ProxyAgent: 'undici/lib/dispatcher/proxy-agent.js',
};

/**
 * undici's index loads everything it offers (fetch, WebSocket, caches, mocks) when first
 * imported: about 30 ms of a start-up of ~250. The bundle takes only the classes src/ uses; an
 * import of anything else fails the build, so the list cannot silently fall behind.
 */
const slimUndici: Plugin = {
  name: 'slim-undici',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, (args) => {
      const source = readFileSync(args.importer, 'utf8');
      for (const m of source.matchAll(/^import\s+\{([^}]*)\}\s+from\s+'undici'/gm)) {
        for (const raw of (m[1] ?? '').split(',')) {
          const name = raw.trim();
          if (!name || name.startsWith('type ')) continue;
          if (!(name in UNDICI_PARTS)) {
            return {
              errors: [{ text: `${args.importer}: add undici's '${name}' to UNDICI_PARTS` }],
            };
          }
        }
      }
      return { path: 'undici', namespace: 'slim-undici' };
    });
    // As undici's index.js does: request(), stream()... live on Dispatcher's prototype.
    b.onLoad({ filter: /.*/, namespace: 'slim-undici' }, () => ({
      contents: `Object.assign(require('undici/lib/dispatcher/dispatcher.js').prototype, require('undici/lib/api/index.js'));\nmodule.exports = {${Object.entries(
        UNDICI_PARTS,
      )
        .map(([name, file]) => `${name}: require(${JSON.stringify(file)})`)
        .join(', ')}};`,
      resolveDir: ROOT,
      loader: 'js',
    }));
  },
};

export async function buildBundle(): Promise<void> {
  await rm(BUNDLE_DIR, { recursive: true, force: true });
  await build({
    entryPoints: { 'tenant-shell': `${ROOT}src/main.ts` },
    outdir: BUNDLE_DIR,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    minify: true,
    // Identifiers stay readable in stack traces (--debug).
    keepNames: true,
    sourcemap: 'linked',
    // esbuild finds its own binary from its package; node-pty is a native test dependency.
    external: ['esbuild', 'node-pty'],
    // Bundled CommonJS (undici) calls require() for Node built-ins.
    banner: {
      js: "import { createRequire as __tsCreateRequire } from 'node:module'; const require = __tsCreateRequire(import.meta.url);",
    },
    plugins: [inlinePackageJson, slimUndici],
    logLevel: 'warning',
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t0 = performance.now();
  await buildBundle();
  process.stderr.write(
    `build: ${BUNDLE.slice(ROOT.length)} in ${(performance.now() - t0).toFixed(0)} ms\n`,
  );
}
