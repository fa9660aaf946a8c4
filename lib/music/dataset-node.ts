/**
 * Node side of dataset building: find MIDI files recursively, read Groove MIDI's `info.csv`
 * (split and time signature) when present, build the windows, and cache them so a second run
 * starts at once. The cache key covers every file's path, size and modification time, the
 * converter and the options, so any change rebuilds it.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { InvalidInputError, LatentLabError } from '../core/errors';
import type { MusicConverter } from './converters/types';
import { countWindows, fileWindows, splitOf, type DatasetCounts, type FileWindows, type Split, type WindowOptions } from './dataset';
import { parseMidi } from './midi';

/** Bump when the windowing or the cache layout changes, so old caches are rebuilt. */
const CACHE_VERSION = 3;

export interface MusicDataset {
  converterType: string;
  numSteps: number;
  files: FileWindows[];
  counts: DatasetCounts;
  /** True when this came from the cache. */
  fromCache: boolean;
}

/** Every .mid/.midi file below `dir`, as sorted paths relative to it. */
export async function findMidiFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    for (const e of entries) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(child);
      else if (/\.midi?$/i.test(e.name)) out.push(child);
    }
  };
  try {
    await walk('');
  } catch (error) {
    throw new InvalidInputError(`Cannot read the data folder ${dir}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return out.sort();
}

const infoRowSchema = z.object({ midi_filename: z.string(), split: z.string(), time_signature: z.string().optional() });

/** Groove MIDI's info.csv: split and meter per file (relative path), if the folder has one. */
export async function readGrooveInfo(dir: string): Promise<Map<string, { split: string; timeSignature: string | undefined }> | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dir, 'info.csv'), 'utf8');
  } catch {
    return undefined;
  }
  const rows: unknown = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true });
  const parsed = z.array(infoRowSchema).safeParse(rows);
  if (!parsed.success) throw new InvalidInputError(`${path.join(dir, 'info.csv')} lacks the midi_filename/split columns of Groove MIDI's info.csv.`);
  return new Map(parsed.data.map((r) => [r.midi_filename, { split: r.split, timeSignature: r.time_signature }]));
}

async function cacheKey(dir: string, files: string[], converter: MusicConverter, options: WindowOptions): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ v: CACHE_VERSION, spec: converter.toSpec(), options }));
  for (const f of files) {
    const s = await stat(path.join(dir, f));
    hash.update(`${f}\0${s.size}\0${s.mtimeMs}\n`);
  }
  for (const extra of ['info.csv']) {
    const s = await stat(path.join(dir, extra)).catch(() => undefined);
    if (s) hash.update(`${extra}\0${s.size}\0${s.mtimeMs}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

const cacheSchema = z.object({
  version: z.literal(CACHE_VERSION),
  converterType: z.string(),
  numSteps: z.number().int(),
  counts: z.record(z.string(), z.unknown()),
  files: z.array(
    z.object({ file: z.string(), split: z.enum(['train', 'validation', 'test']), windows: z.number().int().nonnegative(), sparse: z.number().int() }),
  ),
});

async function readCache(file: string, numSteps: number): Promise<Omit<MusicDataset, 'fromCache'> | undefined> {
  let header: z.infer<typeof cacheSchema>;
  let data: Buffer;
  try {
    header = cacheSchema.parse(JSON.parse(await readFile(file + '.json', 'utf8')));
    data = await readFile(file + '.bin');
  } catch {
    return undefined; // no or unreadable cache: rebuild
  }
  const total = header.files.reduce((a, f) => a + f.windows, 0);
  if (header.numSteps !== numSteps || data.byteLength !== total * numSteps * 4) return undefined;
  const all = new Int32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  let offset = 0;
  const files: FileWindows[] = header.files.map((f) => {
    const windows = Array.from({ length: f.windows }, (_, i) => all.slice((offset + i) * numSteps, (offset + i + 1) * numSteps));
    offset += f.windows;
    return { file: f.file, split: f.split, windows, sparse: f.sparse };
  });
  return { converterType: header.converterType, numSteps, files, counts: header.counts as unknown as DatasetCounts };
}

async function writeCache(file: string, dataset: Omit<MusicDataset, 'fromCache'>): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const windows = dataset.files.flatMap((f) => f.windows);
  const all = new Int32Array(windows.length * dataset.numSteps);
  windows.forEach((w, i) => all.set(w, i * dataset.numSteps));
  const header = {
    version: CACHE_VERSION,
    converterType: dataset.converterType,
    numSteps: dataset.numSteps,
    counts: dataset.counts,
    files: dataset.files.map((f) => ({ file: f.file, split: f.split, windows: f.windows.length, sparse: f.sparse })),
  };
  // Data first, header last, each via rename: a crash never leaves a header pointing at missing data.
  await writeFile(file + '.bin.partial', Buffer.from(all.buffer));
  await rename(file + '.bin.partial', file + '.bin');
  await writeFile(file + '.json.partial', JSON.stringify(header));
  await rename(file + '.json.partial', file + '.json');
}

export interface BuildOptions extends WindowOptions {
  /** Folder for the cache; default `.cache/datasets` in the working directory. */
  cacheDir?: string;
  /** Called after each file, for a progress bar. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Builds (or loads from cache) the windows of every MIDI file below `dir`. Groove MIDI's info.csv,
 * when present, gives the split (train, validation or test: "test" files are kept with split
 * `'test'`, which training never reads and `eval:music --split test` / `--all` score) and skips files
 * not in 4/4 without opening them; other files are split by path hash (10% validation).
 */
export async function buildMusicDataset(dir: string, converter: MusicConverter, options: BuildOptions = {}): Promise<MusicDataset> {
  const all = await findMidiFiles(dir);
  if (all.length === 0) throw new InvalidInputError(`No .mid files were found in ${dir} (searched recursively).`);
  const { cacheDir, onProgress, ...windowOptions } = options;
  const key = await cacheKey(dir, all, converter, windowOptions);
  const cacheFile = path.join(cacheDir ?? path.join(process.cwd(), '.cache', 'datasets'), `${converter.kind}-${key}`);
  const cached = await readCache(cacheFile, converter.numSteps);
  if (cached) return { ...cached, fromCache: true };

  const info = await readGrooveInfo(dir);
  const skipped: Record<string, number> = {};
  const skip = (reason: string): void => {
    skipped[reason] = (skipped[reason] ?? 0) + 1;
  };
  const files: FileWindows[] = [];
  for (const [i, rel] of all.entries()) {
    onProgress?.(i, all.length);
    const meta = info?.get(rel);
    let split: Split;
    if (meta) {
      if (meta.split !== 'train' && meta.split !== 'validation' && meta.split !== 'test') {
        skip(`${meta.split} split`);
        continue;
      }
      if (meta.timeSignature && meta.timeSignature !== '4-4') {
        skip('not 4/4');
        continue;
      }
      split = meta.split;
    } else {
      split = splitOf(rel);
    }
    try {
      const midi = parseMidi(new Uint8Array(await readFile(path.join(dir, rel))), rel);
      const { windows, sparse, total } = fileWindows(midi, converter, windowOptions);
      if (total === 0) skip('shorter than 2 bars');
      else if (windows.length === 0) skip('no window with 2+ onsets');
      else files.push({ file: rel, split, windows, sparse });
    } catch (error) {
      if (!(error instanceof LatentLabError)) throw error;
      skip(error.name === 'MeterError' ? 'not 4/4' : error.name === 'NoMusicError' ? `no ${converter.kind}` : 'unreadable');
    }
  }
  onProgress?.(all.length, all.length);
  const dataset = { converterType: converter.type, numSteps: converter.numSteps, files, counts: countWindows(files, all.length, skipped) };
  await writeCache(cacheFile, dataset);
  return { ...dataset, fromCache: false };
}
