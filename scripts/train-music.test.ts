import { execFile, spawn } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MELODY_EXAMPLES, melodyExample } from '../lib/music/examples';
import { sequenceToMidi } from '../lib/music/midi';
import { runScript } from './testing/cli';

const run = promisify(execFile);

describe('train:music, eval:music and dataset:music refuse bad input at once', () => {
  it('says what is wrong and exits with 1', async () => {
    const cases: [string, string[], RegExp][] = [
      ['scripts/train-music.ts', ['--model', 'piano', '--data', '.', '--out', '/tmp/x'], /--model must be melody or drums/],
      ['scripts/train-music.ts', ['--model', 'melody', '--data', '/nonexistent-folder', '--out', '/tmp/x'], /Cannot read the data folder \/nonexistent-folder/],
      ['scripts/train-music.ts', ['--model', 'melody', '--data', '.', '--out', '/tmp/x', '--steps', '0'], /--steps must be a positive whole number/],
      ['scripts/train-music.ts', ['--model', 'melody', '--data', '.', '--out', '/tmp/x', '--quantize', 'int4'], /--quantize must be none, float16 or uint8/],
      [
        'scripts/train-music.ts',
        ['--model', 'melody', '--data', '.', '--out', '/tmp/x', '--steps', '5', '--until', '9'],
        /Give --steps N .* or --until S .*, not both/,
      ],
      ['scripts/train-music.ts', ['--model', 'melody', '--data', '.', '--out', '/tmp/x', '--max-minutes', 'soon'], /--max-minutes must be a positive number/],
      ['scripts/train-music.ts', ['--model', 'melody', '--data', '.', '--out', '/tmp/x', '--finetune', 'whole'], /--finetune needs --init <model folder>/],
      [
        'scripts/train-music.ts',
        ['--model', 'melody', '--data', '.', '--out', '/tmp/x', '--rehearsal', '2'],
        /--rehearsal must be a share of each batch from 0 to 0\.9/,
      ],
      ['scripts/train-music.ts', ['--model', 'melody', '--data', '.', '--out', '/tmp/x', '--rehearsal', '0.25'], /--rehearsal needs --init <model folder>/],
      [
        'scripts/train-music.ts',
        ['--model', 'melody', '--data', '.', '--out', '/tmp/x', '--finetune', 'latent', '--init', 'models/mel_2bar'],
        /--finetune latent .* runs in the labs only/,
      ],
      ['scripts/eval-music.ts', ['--model', '/nonexistent-model', '--data', '.'], /config\.json does not exist/],
      ['scripts/dataset-music.ts', ['--model', 'drums', '--data', 'app'], /No \.mid files were found/],
    ];
    for (const [script, args, message] of cases) {
      const r = await runScript(script, args);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.code).toBe(1);
    }
  }, 120_000);
});

/** Writes `count` MIDI files (`<prefix>-<i>.mid`, the built-in melodies in turn) into `<dir>/data`; returns that folder. */
async function writeMelodyFolder(dir: string, count: number, prefix: string): Promise<string> {
  const data = path.join(dir, 'data');
  await mkdir(data);
  for (let i = 0; i < count; i++) {
    const example = MELODY_EXAMPLES[i % MELODY_EXAMPLES.length];
    if (!example) throw new Error('no examples');
    await writeFile(path.join(data, `${prefix}-${i}.mid`), sequenceToMidi(melodyExample(example)));
  }
  return data;
}

describe('train:music and Ctrl-C', () => {
  it('stops after the current step on SIGINT, saves the state, and --resume continues from it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sigint-'));
    try {
      // 40 small files so the by-file split has validation files too.
      const data = await writeMelodyFolder(dir, 40, 'song');
      const out = path.join(dir, 'model');
      const args = [
        '--model',
        'melody',
        '--data',
        data,
        '--out',
        out,
        '--encoder',
        '16',
        '--decoder',
        '16',
        '--z',
        '4',
        '--batch',
        '4',
        '--transpose',
        '0',
        '--steps',
        '100000',
        '--eval-every',
        '100000',
        '--checkpoint-every',
        '100000',
      ];
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/train-music.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no progress line within 90 s: ${stderr.slice(-500)}`)), 90_000);
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          if (/ 5\/100000 /.test(stderr)) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(stderr).toContain('Stopping after this step and saving the training state');
      const state = JSON.parse(await readFile(path.join(out, 'training', 'training_state.json'), 'utf8')) as { step: number };
      expect(state.step).toBeGreaterThanOrEqual(5);
      expect(JSON.parse(stdout)).toMatchObject({ stoppedBy: 'cancelled', steps: state.step });
      const resumed = await run(
        process.execPath,
        [
          '--import',
          'tsx',
          'scripts/train-music.ts',
          ...args.slice(0, -6),
          '--steps',
          '2',
          '--eval-every',
          '100000',
          '--checkpoint-every',
          '100000',
          '--resume',
        ],
        { timeout: 90_000 },
      );
      expect(JSON.parse(resumed.stdout)).toMatchObject({ stoppedBy: 'done', steps: state.step + 2 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 240_000);
});

describe('train:music counts --steps from where the run starts', () => {
  it('--init <model at step 3> --steps 2 trains 2 steps (to 5) and scores the held-back files before and after; a stop already passed, or a run that writes no model, exits 1 and says so', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'steps-'));
    try {
      const data = await writeMelodyFolder(dir, 12, 'tune');
      const tiny = [
        '--model',
        'melody',
        '--data',
        data,
        '--encoder',
        '16',
        '--decoder',
        '16',
        '--z',
        '4',
        '--batch',
        '4',
        '--transpose',
        '0',
        '--hold-out',
        '3',
      ];
      const base = path.join(dir, 'base');
      const first = await runScript('scripts/train-music.ts', [...tiny, '--out', base, '--steps', '3', '--eval-every', '100'], 120_000);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toMatch(/\(3 file\(s\) held back: /);
      await writeFile(path.join(base, 'history.json'), JSON.stringify({ step: 3, seconds: 1, history: [{ step: 3, valAccuracy: 0.5 }] }));
      const tuned = path.join(dir, 'tuned');
      const r = await runScript('scripts/train-music.ts', [...tiny, '--out', tuned, '--init', base, '--steps', '2', '--eval-every', '100'], 120_000);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ startStep: 3, steps: 5, stoppedBy: 'done', modelWritten: true, before: { step: 3 }, after: { step: 5 } });
      expect(r.stderr).toMatch(/of your held-back files\), greedy accuracy all \/ event steps: before \(step 3\) [\d.]+ \/ [\d.]+, after \(step 5\)/);
      // --finetune decoder: the labs' recipe, the encoder kept exactly as it was.
      const frozen = path.join(dir, 'frozen');
      const f = await runScript(
        'scripts/train-music.ts',
        [...tiny, '--out', frozen, '--init', base, '--finetune', 'decoder', '--steps', '2', '--eval-every', '100', '--rehearsal', '0.25'],
        120_000,
      );
      expect(f.code, f.stderr).toBe(0);
      expect(f.stderr).toMatch(/Rehearsing [1-9]\d* windows written by .*: 25% of every batch\./);
      const manifest = async (dir: string, name: string) => {
        const m = JSON.parse(await readFile(path.join(dir, 'weights_manifest.json'), 'utf8')) as { weights: { name: string }[] }[];
        return m.flatMap((g) => g.weights.map((w) => w.name)).includes(name);
      };
      expect(await manifest(path.join(frozen, 'training'), 'encoder/mu/kernel')).toBe(true);
      const shard = async (dir: string) => readFile(path.join(dir, 'group1-shard1of1'));
      const [a, b] = [await shard(base), await shard(path.join(frozen, 'training'))];
      // Variables are written in the same order; the encoder's come first and must be byte-identical.
      expect(Buffer.compare(a.subarray(0, 1000), b.subarray(0, 1000))).toBe(0);
      expect(Buffer.compare(a, b)).not.toBe(0);
      const passed = await runScript('scripts/train-music.ts', [...tiny, '--out', path.join(dir, 'none'), '--init', base, '--until', '2']);
      expect(passed.code).toBe(1);
      expect(passed.stderr).toMatch(/Nothing to train: the run starts at step 3 .* stop at step 2\. Give --steps N .* No model was written\./);
      // Resumed with a learning rate of 0: the weights cannot get better, so no new model is written.
      const still = await runScript(
        'scripts/train-music.ts',
        [...tiny, '--out', tuned, '--resume', '--steps', '1', '--lr', '0', '--eval-every', '100'],
        120_000,
      );
      expect(still.code).toBe(1);
      expect(still.stderr).toMatch(/NO MODEL WAS WRITTEN to .*tuned: steps 5–6 never beat/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
