import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

async function cli(script: string, args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run(process.execPath, ['--import', 'tsx', script, ...args], { timeout: 60_000 });
    return { code: 0, stderr };
  } catch (error) {
    const e = error as { code?: number; stderr?: string };
    return { code: e.code ?? -1, stderr: e.stderr ?? '' };
  }
}

describe('train:music, eval:music and dataset:music refuse bad input at once', () => {
  it('says what is wrong and exits with 1', async () => {
    const cases: [string, string[], RegExp][] = [
      ['scripts/train-music.ts', ['--model', 'piano', '--data', '.', '--out', '/tmp/x'], /--model must be melody or drums/],
      ['scripts/train-music.ts', ['--model', 'melody', '--data', '/nonexistent-folder', '--out', '/tmp/x'], /Cannot read the data folder \/nonexistent-folder/],
      ['scripts/train-music.ts', ['--model', 'melody', '--data', '.', '--out', '/tmp/x', '--steps', '0'], /--steps must be a positive whole number/],
      ['scripts/train-music.ts', ['--model', 'melody', '--data', '.', '--out', '/tmp/x', '--quantize', 'int4'], /--quantize must be none, float16 or uint8/],
      ['scripts/eval-music.ts', ['--model', '/nonexistent-model', '--data', '.'], /config\.json does not exist/],
      ['scripts/dataset-music.ts', ['--model', 'drums', '--data', 'app'], /No \.mid files were found/],
    ];
    for (const [script, args, message] of cases) {
      const r = await cli(script, args);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.code).toBe(1);
    }
  }, 120_000);
});
