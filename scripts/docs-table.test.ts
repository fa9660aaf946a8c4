import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { benchCommand, DocsMarkerError, publishBenchTables, replaceBenchBlock, writeBenchBlock } from './docs-table';

const PAGE = [
  '# Benchmarks',
  '',
  'Text before.',
  '',
  '<!-- bench:lstm:start -->',
  '',
  '| old | table |',
  '|---|---|',
  '| 1 | 2 |',
  '',
  '<!-- bench:lstm:end -->',
  '',
  'Text after, with a number: 42.',
  '',
  '<!-- bench:image:start -->',
  'image block',
  '<!-- bench:image:end -->',
  '',
].join('\n');

const TABLE = '| backend | time |\n|---|---|\n| cpu | 12 ms |\n| wasm | 3 ms |';

describe('replaceBenchBlock', () => {
  it('replaces only what lies between its own markers', () => {
    const out = replaceBenchBlock(PAGE, 'lstm', TABLE);
    expect(out).toContain(`<!-- bench:lstm:start -->\n\n${TABLE}\n\n<!-- bench:lstm:end -->`);
    expect(out).not.toContain('| old | table |');
    const [before, after] = PAGE.split(/<!-- bench:lstm:start -->[\s\S]*<!-- bench:lstm:end -->/);
    expect(out.startsWith(`${before}<!-- bench:lstm:start -->`)).toBe(true);
    expect(out.endsWith(`<!-- bench:lstm:end -->${after}`)).toBe(true);
    expect(out).toContain('<!-- bench:image:start -->\nimage block\n<!-- bench:image:end -->');
  });

  it('gives the same page when run twice (idempotent)', () => {
    const once = replaceBenchBlock(PAGE, 'lstm', TABLE);
    expect(replaceBenchBlock(once, 'lstm', TABLE)).toBe(once);
  });

  it('names the missing, repeated or misplaced marker and how to fix it', () => {
    const call = (text: string) => () => replaceBenchBlock(text, 'music', TABLE, 'docs/x.md');
    expect(call(PAGE)).toThrow(DocsMarkerError);
    expect(call(PAGE)).toThrow(/docs\/x\.md has 0 × "<!-- bench:music:start -->" and 0 × "<!-- bench:music:end -->"; expected one of each\. Put the two lines/);
    expect(call('<!-- bench:music:start -->\n')).toThrow(/1 × "<!-- bench:music:start -->" and 0 × "<!-- bench:music:end -->"/);
    expect(call('<!-- bench:music:start -->\n<!-- bench:music:end -->\n<!-- bench:music:end -->\n')).toThrow(/and 2 ×/);
    expect(call('<!-- bench:music:end -->\n<!-- bench:music:start -->\n')).toThrow(/"<!-- bench:music:end -->" comes before "<!-- bench:music:start -->"/);
    // A block name that is a prefix of another is not confused with it.
    expect(() => replaceBenchBlock('<!-- bench:music-ui:start -->\n<!-- bench:music-ui:end -->\n', 'music', TABLE)).toThrow(DocsMarkerError);
    expect(() => replaceBenchBlock(PAGE, 'Bad Name', TABLE)).toThrow(/lower-case letters/);
  });
});

describe('writeBenchBlock and publishBenchTables', () => {
  const dirs: string[] = [];
  const page = async (): Promise<string> => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'docs-table-'));
    dirs.push(dir);
    const file = path.join(dir, 'benchmarks.md');
    await writeFile(file, PAGE);
    return file;
  };
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('writes the table (formatted by Prettier) and a provenance line, and a second identical run changes nothing', async () => {
    const file = await page();
    const block = {
      name: 'lstm',
      body: `LSTM layer, batch 64\n\n${TABLE}`,
      command: 'npm run bench:lstm',
      file,
      date: new Date('2026-12-06T10:00:00Z'),
      machine: '2 cores (Test CPU)',
    };
    expect(await writeBenchBlock(block)).toBe(true);
    const written = await readFile(file, 'utf8');
    expect(written).toContain('| backend | time  |\n| ------- | ----- |\n| cpu     | 12 ms |\n| wasm    | 3 ms  |');
    expect(written).toContain('_Written by the bench on 2026-12-06, 2 cores (Test CPU): `npm run bench:lstm`._\n\n<!-- bench:lstm:end -->');
    expect(written).toContain('Text after, with a number: 42.');
    expect(await writeBenchBlock(block)).toBe(false);
    expect(await readFile(file, 'utf8')).toBe(written);
  });

  it('leaves the page alone with --no-docs, and fails without touching it when the markers are missing', async () => {
    const file = await page();
    await publishBenchTables('lstm', TABLE, ['--runs', '3', '--no-docs'], file);
    expect(await readFile(file, 'utf8')).toBe(PAGE);
    await expect(publishBenchTables('compare', TABLE, [], file)).rejects.toThrow(DocsMarkerError);
    expect(await readFile(file, 'utf8')).toBe(PAGE);
  });

  it('records the command as typed', () => {
    expect(benchCommand('music-ui', [])).toBe('npm run bench:music-ui');
    expect(benchCommand('train', ['--backends', 'wasm', '--steps', '10'])).toBe('npm run bench:train -- --backends wasm --steps 10');
  });
});
