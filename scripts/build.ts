// `node --import tsx scripts/build.ts`: bundles src/main.ts into one CommonJS file,
// dist/bundle/tenant-shell.cjs, that bin/tenant-shell.js compiles through `vm.Script` with a V8
// code cache made after a run (bin/code-cache.js). One file because a code cache covers one
// script: with the cache, V8 neither parses nor compiles what the last run used, which is most
// of the start-up time left (README, Benchmarks). The parts loaded on first use (Inquirer, ora,
// the emulator, the REPL) stay behind their dynamic imports, evaluated only when reached.
// bin/tenant-shell.js runs the bundle, and rebuilds it first when a source is newer.
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Plugin } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BUNDLE_DIR = `${ROOT}dist/bundle`;
export const BUNDLE = `${BUNDLE_DIR}/tenant-shell.cjs`;

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
    // As undici's index.js does: request(), stream()... live on Dispatcher's prototype. Each
    // part is required when first used: ProxyAgent (with its SOCKS client) only behind a proxy.
    b.onLoad({ filter: /.*/, namespace: 'slim-undici' }, () => ({
      contents: `Object.assign(require('undici/lib/dispatcher/dispatcher.js').prototype, require('undici/lib/api/index.js'));\nmodule.exports = {${Object.entries(
        UNDICI_PARTS,
      )
        .map(([name, file]) => `get ${name}() { return require(${JSON.stringify(file)}); }`)
        .join(', ')}};`,
      resolveDir: ROOT,
      loader: 'js',
    }));
  },
};

/** What undici's HTTP/2 client takes from node:http2 when its file loads. */
const H2_REQUIRE = `let http2
try {
  http2 = require('node:http2')
} catch {
  // @ts-ignore
  http2 = { constants: {} }
}`;

/**
 * undici's HTTP/2 client loads node:http2 (and tls with it) when its file is first evaluated,
 * about 7 ms of every start on Node 20, though the shell never asks for HTTP/2 (no `allowH2`).
 * The bundle gives that file the constants it reads at load, taken from node:http2 here at build
 * time, and loads the module itself when a session is first opened. A change in undici's file
 * fails the build rather than slipping through.
 */
const lazyHttp2: Plugin = {
  name: 'lazy-http2',
  setup(b) {
    b.onLoad({ filter: /undici[\\/]lib[\\/]dispatcher[\\/]client-h2\.js$/ }, async (args) => {
      const source = readFileSync(args.path, 'utf8');
      const read = /const \{\s*constants: \{([^}]*)\}\s*\} = http2/.exec(source);
      if (
        !source.includes(H2_REQUIRE) ||
        !read?.[1] ||
        /\bhttp2\s*=/.test(source.replace(H2_REQUIRE, ''))
      ) {
        return {
          errors: [
            {
              text: `${args.path}: node:http2 is used otherwise than the lazy-http2 plugin expects`,
            },
          ],
        };
      }
      const { constants } = await import('node:http2');
      const used: Record<string, unknown> = {};
      for (const name of read[1]
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean)) {
        if (!(name in constants))
          return { errors: [{ text: `node:http2 has no constant ${name}` }] };
        used[name] = constants[name as keyof typeof constants];
      }
      const lazy = `let http2Module
const http2 = {
  constants: ${JSON.stringify(used)},
  connect: (...args) => (http2Module ??= require('node:http2')).connect(...args)
}`;
      return { contents: source.replace(H2_REQUIRE, lazy), loader: 'js' };
    });
  },
};

/** What both layouts share: minified, names kept for stack traces, undici slimmed. */
const COMMON: BuildOptions = {
  entryPoints: { 'tenant-shell': `${ROOT}src/main.ts` },
  bundle: true,
  platform: 'node',
  target: 'node20',
  minify: true,
  // Identifiers stay readable in stack traces (--debug).
  keepNames: true,
  sourcemap: 'linked',
  legalComments: 'none',
  // esbuild finds its own binary from its package; node-pty is a native test dependency.
  external: ['esbuild', 'node-pty'],
  plugins: [inlinePackageJson, slimUndici, lazyHttp2],
  logLevel: 'warning',
  // A cell's import() of a name known at run time stays an import() (src/cell/modules.ts).
  logOverride: { 'unsupported-dynamic-import': 'silent' },
};

export async function buildBundle(): Promise<void> {
  // Built beside the bundle, then renamed into place: a shell starting meanwhile (the bin builds
  // a stale bundle on its own) reads the old file or the new one, never half of one.
  await mkdir(dirname(BUNDLE_DIR), { recursive: true });
  const staging = await mkdtemp(`${BUNDLE_DIR}.building-`);
  try {
    const out = join(staging, basename(BUNDLE));
    await build({
      ...COMMON,
      outfile: out,
      format: 'cjs',
      // The sources are ES modules: strict mode, and import.meta.url as the file's URL (they
      // find tutorials/ and package files from it).
      define: { 'import.meta.url': '__tsImportMetaUrl' },
      banner: {
        js: `"use strict";var __tsImportMetaUrl=require("node:url").pathToFileURL(__filename).href;`,
      },
    });
    asciiOnly(out);
    await mkdir(BUNDLE_DIR, { recursive: true });
    // Whatever else is there came from another layout and must not ship in the package.
    for (const name of await readdir(BUNDLE_DIR)) {
      if (name !== basename(BUNDLE) && name !== `${basename(BUNDLE)}.map`)
        await rm(join(BUNDLE_DIR, name), { recursive: true, force: true });
    }
    await rename(`${out}.map`, `${BUNDLE}.map`);
    await rename(out, BUNDLE);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * V8 keeps an ASCII source as a one-byte string, which the loader makes with a latin1 read (a
 * UTF-8 decode of the whole file costs several ms more at every start). esbuild escapes non-ASCII
 * in strings and identifiers but leaves it in regular-expression literals: those become \u
 * escapes, which mean the same inside a regex (the sources use the u flag or BMP characters).
 */
function asciiOnly(file: string): void {
  const text = readFileSync(file, 'utf8');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the range is every non-ASCII unit
  const escaped = text.replace(/[^\u0000-\u007f]/g, (c) => {
    const code = c.charCodeAt(0);
    return `\\u${code.toString(16).padStart(4, '0')}`;
  });
  if (escaped !== text) writeFileSync(file, escaped);
}

/**
 * The layout before the code cache (ES modules, the lazily loaded parts as split chunks), kept
 * so the start-up benchmark can measure the change against it in the same run. Not shipped.
 */
export async function buildSplitBundle(outdir: string): Promise<string> {
  await rm(outdir, { recursive: true, force: true });
  await build({
    ...COMMON,
    outdir,
    splitting: true,
    format: 'esm',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    // Bundled CommonJS (undici) calls require() for Node built-ins.
    banner: {
      js: "import { createRequire as __tsCreateRequire } from 'node:module'; const require = __tsCreateRequire(import.meta.url);",
    },
  });
  return `${outdir}/tenant-shell.mjs`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t0 = performance.now();
  await buildBundle();
  process.stderr.write(
    `build: ${BUNDLE.slice(ROOT.length)} in ${(performance.now() - t0).toFixed(0)} ms\n`,
  );
}
