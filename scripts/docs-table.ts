/**
 * Bench tables written into the docs by the bench scripts themselves, so that a number and the
 * text around it cannot drift apart: each bench, after a successful run, replaces the block between
 * `<!-- bench:<name>:start -->` and `<!-- bench:<name>:end -->` in its docs page (docs/benchmarks.md)
 * with its fresh tables and a one-line provenance (date, machine, command). `--no-docs` skips it.
 *
 * The block is formatted with Prettier's Markdown printer (the repository's own formatter), so a
 * table reads well as plain text and a second run with the same numbers changes nothing.
 */
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as prettier from 'prettier';
import { LatentLabError } from '../lib/core/errors';

/** The docs page the benches write to, relative to the repository root (the working directory of `npm run`). */
export const BENCH_DOCS = 'docs/benchmarks.md';

/** A docs page lacks a bench's markers, has them twice, or in the wrong order. */
export class DocsMarkerError extends LatentLabError {}

/** The two marker lines of a bench's block. */
export function benchMarkers(name: string): { start: string; end: string } {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name))
    throw new DocsMarkerError(`A bench block's name is lower-case letters, digits and dashes (e.g. "music-ui"); got "${name}".`);
  return { start: `<!-- bench:${name}:start -->`, end: `<!-- bench:${name}:end -->` };
}

function positions(text: string, marker: string): number[] {
  const found: number[] = [];
  for (let i = text.indexOf(marker); i >= 0; i = text.indexOf(marker, i + marker.length)) found.push(i);
  return found;
}

/**
 * `text` with the block of bench `name` replaced by `body` (a blank line on each side inside the
 * markers); everything outside the markers is kept byte for byte.
 * @throws {DocsMarkerError} when either marker is missing or repeated, or the end comes first.
 */
export function replaceBenchBlock(text: string, name: string, body: string, file = 'the page'): string {
  const { start, end } = benchMarkers(name);
  const starts = positions(text, start);
  const ends = positions(text, end);
  const fix = `Put the two lines ${start} and ${end}, once each and in this order, where the bench's tables belong in ${file}.`;
  if (starts.length !== 1 || ends.length !== 1)
    throw new DocsMarkerError(`${file} has ${starts.length} × "${start}" and ${ends.length} × "${end}"; expected one of each. ${fix}`);
  const [s, e] = [starts[0] as number, ends[0] as number];
  if (e < s) throw new DocsMarkerError(`In ${file}, "${end}" comes before "${start}". ${fix}`);
  return `${text.slice(0, s + start.length)}\n\n${body.trim()}\n\n${text.slice(e)}`;
}

/** This machine in a few words: cores and CPU model, memory, Node, load average (others' work shows here). */
export function machineSummary(): string {
  const cpus = os.cpus();
  const model = (cpus[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ').trim();
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');
  return `${cpus.length} cores (${model}), ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}, load average ${load}`;
}

/** The command that produced a table, as a person would type it (`npm run bench:x -- …args`). */
export function benchCommand(name: string, args: readonly string[]): string {
  return `npm run bench:${name}${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`;
}

/** The provenance line under a bench's tables. */
export function provenance(command: string, date: Date, machine: string): string {
  return `_Written by the bench on ${date.toISOString().slice(0, 10)}, ${machine}: \`${command}\`._`;
}

/** Markdown as Prettier prints it (with the repository's settings for `file`). */
export async function formatMarkdown(markdown: string, file: string): Promise<string> {
  const config = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(markdown, { ...config, parser: 'markdown' });
}

export interface BenchBlock {
  /** The bench's block name, also its npm script (`bench:<name>`). */
  name: string;
  /** The tables and notes, as Markdown. */
  body: string;
  /** The command line that produced them. */
  command: string;
  /** The page to write (default {@link BENCH_DOCS}). */
  file?: string;
  /** When it was measured (default now) and on what (default {@link machineSummary}); tests fix them. */
  date?: Date;
  machine?: string;
}

/**
 * Replaces bench `name`'s block in its docs page with `body` and the provenance line. Writes only
 * when something changed; returns whether it did.
 * @throws {DocsMarkerError} (see {@link replaceBenchBlock}); file-system errors as they come.
 */
export async function writeBenchBlock(block: BenchBlock): Promise<boolean> {
  const file = block.file ?? BENCH_DOCS;
  const text = await readFile(file, 'utf8');
  const body = await formatMarkdown(
    `${block.body.trim()}\n\n${provenance(block.command, block.date ?? new Date(), block.machine ?? machineSummary())}\n`,
    file,
  );
  const next = replaceBenchBlock(text, block.name, body, path.relative(process.cwd(), path.resolve(file)) || file);
  if (next === text) return false;
  await writeFile(file, next);
  return true;
}

/**
 * What a bench calls after a successful run: writes its tables into the docs, unless `--no-docs`
 * is among its arguments. `args` are the bench's own arguments (default: this process's); `script`
 * is the bench's npm script after `bench:` when the block is named otherwise (a bench's second block).
 */
export async function publishBenchTables(
  name: string,
  body: string,
  args: readonly string[] = process.argv.slice(2),
  file = BENCH_DOCS,
  script = name,
): Promise<void> {
  if (args.includes('--no-docs')) return;
  const changed = await writeBenchBlock({ name, body, command: benchCommand(script, args), file });
  console.error(`${changed ? 'Wrote' : 'Unchanged:'} the bench:${name} block of ${file} (--no-docs skips this).`);
}
