/**
 * `npm run compare -- --image models/image/vae --music models/mel_2bar --music-data <midi folder> --n 2000 --out report.json`
 *
 * The Compare lab without a browser: runs every panel (map, units, paths, holes, attribute vectors)
 * on an image model with MNIST's test digits and on a MusicVAE with windows of a MIDI folder (or
 * the built-in examples), and writes every number as JSON, fields named after the panels
 * (`map.labelAgreement`, `units.active`, `units.kl`, `paths.smoothness`, `holes.share`,
 * `attributes.consistency`, …). `--csv <file>` also writes them as CSV (one row per number).
 *
 * Options: --image <folder> and/or --music <folder|URL>; --music-data <folder>; --n N (items per
 * side, default 2000); --seed S; --pairs P; --no-umap; --image-groups 1:7|thickness|ink;
 * --music-groups density|range|hits|busy|<label>:<label>; --music-labels auto|file|folder|style|drummer;
 * --threads 1|2 (2: with both sides, spread the work over worker threads — one per side, the music
 * map in a third; faster when cores are free);
 * --backend wasm|cpu. Exit code 1 on errors, 2 on bad usage.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseBackendName } from '../lib/core/backend';
import { initNodeBackend } from '../lib/core/backend-node';
import { describeError } from '../lib/core/errors';
import { COMPARE_LIMITS } from '../lib/latent/compare/options';
import { compareReportCsv, compareReportSchema, type AttributeGroups, type CompareReport, type SideReport } from '../lib/latent/compare/report';
import { analyseSide, DEFAULT_PANEL_OPTIONS, type PanelOptions } from '../lib/latent/compare/run';
import { parseGroups } from '../lib/compare/url-state';
import type { CompareProgress } from '../lib/latent/compare/encode';
import type { FileLabel } from '../lib/music/compare-domain';
import { loadImageSide, loadMusicSide } from './compare-sides';
import { printSideTables } from './compare-table';
import { analyseInThreads } from './compare-threads';

class UsageError extends Error {}

function wholeNumber(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name} must be a whole number from ${min} to ${max}; got "${raw}".`);
  return n;
}

/** `1:7` → two labels; a word → a measured attribute (the same form as the page's URL). */
function groupsOption(raw: string | undefined, option: string): AttributeGroups | undefined {
  if (raw === undefined) return undefined;
  const groups = parseGroups(raw);
  if (!groups) throw new UsageError(`${option} takes two labels (e.g. 1:7) or an attribute name (e.g. thickness); got "${raw}".`);
  return groups;
}

/** A one-line progress display on stderr (only when it is a terminal). */
function progressLine(side: string): (p: CompareProgress) => void {
  let last = 0;
  return (p) => {
    if (!process.stderr.isTTY) return;
    const now = performance.now();
    if (now - last < 100 && p.done < p.total) return;
    last = now;
    process.stderr.write(`\r\x1b[K${side}: ${p.label} ${p.done}/${p.total}`);
    if (p.done >= p.total) process.stderr.write('\r\x1b[K');
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    strict: true,
    options: {
      image: { type: 'string' },
      music: { type: 'string' },
      'music-data': { type: 'string' },
      'music-labels': { type: 'string' },
      n: { type: 'string' },
      seed: { type: 'string' },
      pairs: { type: 'string' },
      'no-umap': { type: 'boolean' },
      'image-groups': { type: 'string' },
      'music-groups': { type: 'string' },
      out: { type: 'string' },
      csv: { type: 'string' },
      threads: { type: 'string' },
      backend: { type: 'string' },
    },
  });
  if (!values.image && !values.music) throw new UsageError('Give --image <image model folder> and/or --music <MusicVAE folder or URL>.');
  const { items, seed: seedLimits, pairs: pairLimits } = COMPARE_LIMITS;
  const n = wholeNumber('--n', values.n, items.default, items.min, items.max);
  const seed = wholeNumber('--seed', values.seed, seedLimits.default, seedLimits.min, seedLimits.max);
  const pairs = wholeNumber('--pairs', values.pairs, pairLimits.default, pairLimits.min, pairLimits.max);
  const labels = values['music-labels'] ?? 'auto';
  if (!['auto', 'file', 'folder', 'style', 'drummer'].includes(labels))
    throw new UsageError(`--music-labels must be auto, file, folder, style or drummer; got "${labels}".`);
  const imageGroups = groupsOption(values['image-groups'], '--image-groups');
  const musicGroups = groupsOption(values['music-groups'], '--music-groups');
  const backend = parseBackendName(values.backend, '--backend');
  if (backend === 'webgl' || backend === 'webgpu') throw new UsageError('--backend must be wasm or cpu here.');
  const choice = await initNodeBackend(backend);
  const options: PanelOptions = { ...DEFAULT_PANEL_OPTIONS, seed, pairs, umap: !values['no-umap'] };

  const threads = wholeNumber('--threads', values.threads, 1, 1, 2);
  const imageProgress = progressLine('image');
  const musicProgress = progressLine('music');
  let image: SideReport | null = null;
  let music: SideReport | null = null;
  const musicJob = { dataDir: values['music-data'], n, seed, label: labels as FileLabel | 'auto' };
  if (values.image && values.music && threads === 2) {
    const result = await analyseInThreads(
      [
        { side: 'image', model: values.image, n },
        { side: 'music', model: values.music, ...musicJob },
      ],
      options,
      backend,
      (side, p) => (side === 'image' ? imageProgress : musicProgress)(p),
      { image: imageGroups, music: musicGroups },
    );
    result.notes.forEach((note) => console.error(note));
    [image, music] = [result.reports[0] ?? null, result.reports[1] ?? null];
  } else {
    if (values.image) {
      const side = await loadImageSide(values.image, n);
      try {
        side.notes.forEach((note) => console.error(`image: ${note}`));
        image = (
          await analyseSide(
            side.name,
            side.model,
            side.domain,
            side.description,
            { ...options, ...(imageGroups ? { groups: imageGroups } : {}) },
            { onProgress: imageProgress },
          )
        ).report;
      } finally {
        side.model.dispose();
      }
    }
    if (values.music) {
      const side = await loadMusicSide(values.music, musicJob);
      try {
        side.notes.slice(0, 10).forEach((note) => console.error(`music: ${note}`));
        music = (
          await analyseSide(
            side.name,
            side.model,
            side.domain,
            side.description,
            { ...options, ...(musicGroups ? { groups: musicGroups } : {}) },
            { onProgress: musicProgress },
          )
        ).report;
      } finally {
        side.model.dispose();
      }
    }
  }
  const report: CompareReport = compareReportSchema.parse({
    format: 'latent-lab-compare',
    version: 2,
    createdAt: new Date().toISOString(),
    seed,
    backend: choice.backend,
    sides: [image, music].filter((s): s is SideReport => s !== null),
  });
  printSideTables([image, music]);
  const json = JSON.stringify(report, null, 2) + '\n';
  if (values.out) {
    await writeFile(values.out, json);
    console.error(`Wrote ${path.resolve(values.out)}`);
  } else {
    process.stdout.write(json);
  }
  if (values.csv) {
    await writeFile(values.csv, compareReportCsv(report));
    console.error(`Wrote ${path.resolve(values.csv)}`);
  }
}

main().catch((error: unknown) => {
  console.error(`compare: ${describeError(error)}`);
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  process.exit(error instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) ? 2 : 1);
});
