/**
 * What each page ships to the browser's main thread, found from the source: the page, its layouts,
 * and everything reachable from a `'use client'` module they import (Next's client boundary),
 * including lazy `import()`s — bundled with esbuild's resolver, so `@/` paths and packages resolve as
 * in the app. The model worker (`new Worker(new URL(…))`) is a separate graph and is not followed:
 * that is where TF.js belongs.
 *
 * `mainThreadViolations` lists every forbidden package a page reaches, with the import chain that
 * brings it in, so a failing test says which file to fix.
 */
import { build, type Metafile } from 'esbuild';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** A rule: modules whose path matches `module` may only be imported by files matching `allowedImporter` (never, if absent). */
export interface ImportRule {
  name: string;
  module: RegExp;
  allowedImporter?: RegExp;
  /** Pages (routes like `/image`) where the module must not appear at all, even through an allowed importer. */
  forbiddenOn?: (route: string) => boolean;
  /** The module may only arrive through a lazy `import()` (never in a page's first load). */
  lazyOnly?: boolean;
}

export interface Violation {
  route: string;
  rule: string;
  /** The import chain from the page (or layout) to the forbidden module, as paths relative to the root. */
  chain: string[];
}

export interface PageGraph {
  route: string;
  entries: string[];
  /** Main-thread modules (relative paths). */
  client: Set<string>;
  /** Main-thread modules of the first load: reached without crossing a lazy `import()`. */
  eager: Set<string>;
}

/** Pages that play no sound: Tone.js must not reach them at all. */
const SILENT_PAGES = new Set(['/', '/image', '/_not-found']);

/**
 * The main-thread rules of Latent Lab: TF.js only in the model worker; Tone.js only through
 * lib/audio, only when a page is about to play (a lazy `import()`), and never on the silent pages.
 */
export const MAIN_THREAD_RULES: ImportRule[] = [
  { name: '@tensorflow/* on the main thread (only the model worker may load TF.js)', module: /(^|\/)node_modules\/@tensorflow\// },
  {
    name: 'tone outside the audio path (only lib/audio imports Tone.js, lazily, and silent pages never load it)',
    module: /(^|\/)node_modules\/tone\//,
    allowedImporter: /(^lib\/audio\/|(^|\/)node_modules\/tone\/)/,
    forbiddenOn: (route) => SILENT_PAGES.has(route),
    lazyOnly: true,
  },
];

const USE_CLIENT = /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*['"]use client['"]/;

function isClientModule(root: string, file: string): boolean {
  if (file.includes('node_modules/') || !/\.(tsx?|m?jsx?)$/.test(file)) return false;
  return USE_CLIENT.test(readFileSync(path.join(root, file), 'utf8'));
}

/** Every `page.tsx` under `app/` with its route and the layouts above it (and `not-found.tsx` at the root). */
export function findPages(root: string): Array<{ route: string; entries: string[] }> {
  const app = path.join(root, 'app');
  const pages: Array<{ route: string; entries: string[] }> = [];
  const walk = (dir: string, layouts: string[]): void => {
    const here = [...layouts];
    const layout = path.join(dir, 'layout.tsx');
    if (existsSync(layout)) here.push(path.relative(root, layout));
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) {
        if (!name.startsWith('_') && name !== 'api') walk(full, here);
      } else if (name === 'page.tsx' || (name === 'not-found.tsx' && dir === app)) {
        const rel = path.relative(app, dir).split(path.sep).join('/');
        const route = name === 'not-found.tsx' ? '/_not-found' : `/${rel}`;
        pages.push({ route, entries: [...here, path.relative(root, full)] });
      }
    }
  };
  walk(app, []);
  return pages;
}

async function metafileFor(root: string, entries: string[]): Promise<Metafile> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: entries,
    bundle: true,
    write: false,
    metafile: true,
    splitting: true,
    format: 'esm',
    outdir: 'out',
    platform: 'browser',
    logLevel: 'silent',
    tsconfig: path.join(root, 'tsconfig.json'),
    jsx: 'automatic',
    // Next's own runtime is the same on every page and never imports our packages.
    external: ['next', 'next/*', 'react', 'react-dom', 'react/*', 'react-dom/*', 'node:*', 'server-only'],
    loader: { '.css': 'empty', '.svg': 'empty', '.wasm': 'empty' },
  });
  return result.metafile;
}

/** The main-thread module graph of each page (see the module comment). */
export async function pageGraphs(root: string, pages = findPages(root)): Promise<Array<PageGraph & { imports: Map<string, string[]> }>> {
  const out: Array<PageGraph & { imports: Map<string, string[]> }> = [];
  for (const page of pages) {
    const meta = await metafileFor(root, page.entries);
    const imports = new Map<string, string[]>();
    const eagerImports = new Map<string, string[]>();
    for (const [file, input] of Object.entries(meta.inputs)) {
      const local = input.imports.filter((i) => !i.external);
      imports.set(
        file,
        local.map((i) => i.path),
      );
      eagerImports.set(
        file,
        local.filter((i) => i.kind !== 'dynamic-import').map((i) => i.path),
      );
    }
    // Server components are followed only to find client boundaries; from a boundary on, everything is client code.
    const client = new Set<string>();
    const seenServer = new Set<string>();
    const visitClient = (file: string): void => {
      if (client.has(file)) return;
      client.add(file);
      for (const next of imports.get(file) ?? []) visitClient(next);
    };
    const visitServer = (file: string): void => {
      if (seenServer.has(file)) return;
      seenServer.add(file);
      for (const next of imports.get(file) ?? []) {
        if (isClientModule(root, next)) visitClient(next);
        else visitServer(next);
      }
    };
    for (const entry of page.entries) {
      if (isClientModule(root, entry)) visitClient(entry);
      else visitServer(entry);
    }
    // The first load: client modules reached from the page's boundaries by static imports only.
    const eager = new Set<string>();
    const visitEager = (file: string): void => {
      if (eager.has(file) || !client.has(file)) return;
      eager.add(file);
      for (const next of eagerImports.get(file) ?? []) visitEager(next);
    };
    for (const file of client) {
      if (isClientModule(root, file) && [...seenServer, ...page.entries].some((s) => imports.get(s)?.includes(file) || s === file)) visitEager(file);
    }
    out.push({ route: page.route, entries: page.entries, client, eager, imports });
  }
  return out;
}

/** The shortest import chain from any entry to `target` through client modules. */
function chainTo(graph: PageGraph & { imports: Map<string, string[]> }, target: string): string[] {
  const parent = new Map<string, string | undefined>();
  const queue: string[] = [];
  for (const e of graph.entries) {
    parent.set(e, undefined);
    queue.push(e);
  }
  while (queue.length > 0) {
    const file = queue.shift() ?? '';
    if (file === target) break;
    for (const next of graph.imports.get(file) ?? []) {
      if (parent.has(next)) continue;
      parent.set(next, file);
      queue.push(next);
    }
  }
  const chain: string[] = [];
  for (let f: string | undefined = target; f !== undefined; f = parent.get(f)) chain.unshift(f);
  return chain;
}

/** Every rule broken by a page's main-thread code. */
export async function mainThreadViolations(root: string, rules: ImportRule[] = MAIN_THREAD_RULES, pages = findPages(root)): Promise<Violation[]> {
  const violations: Violation[] = [];
  for (const graph of await pageGraphs(root, pages)) {
    for (const rule of rules) {
      const hits = [...graph.client].filter((f) => rule.module.test(f));
      if (hits.length === 0) continue;
      const eagerHit = rule.lazyOnly ? [...graph.eager].find((f) => rule.module.test(f)) : undefined;
      if (eagerHit)
        violations.push({ route: graph.route, rule: `${rule.name} — in the first load, not behind a lazy import()`, chain: chainTo(graph, eagerHit) });
      if (rule.forbiddenOn?.(graph.route) ?? !rule.allowedImporter) {
        violations.push({ route: graph.route, rule: rule.name, chain: chainTo(graph, hits[0] ?? '') });
        continue;
      }
      // Allowed only from some importers: find a client importer of a hit that is not allowed.
      for (const [file, targets] of graph.imports) {
        if (!graph.client.has(file) || rule.allowedImporter?.test(file)) continue;
        const bad = targets.find((t) => rule.module.test(t));
        if (bad) violations.push({ route: graph.route, rule: rule.name, chain: chainTo(graph, bad) });
      }
    }
  }
  return violations;
}
