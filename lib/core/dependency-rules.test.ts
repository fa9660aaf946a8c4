import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/** Lints a one-line file at `filePath` and returns the messages of the dependency rule. */
async function restricted(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: process.cwd() });
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('dependency direction lint rule', () => {
  it('forbids UI frameworks, app/ and Tone in lib/core', async () => {
    expect(await restricted('lib/core/x.ts', "import 'react';\n")).toHaveLength(1);
    expect(await restricted('lib/core/x.ts', "import '@/app/_state/backend-store';\n")).toHaveLength(1);
    expect(await restricted('lib/core/x.ts', "import 'tone';\n")).toHaveLength(1);
    expect(await restricted('lib/core/x.ts', "import '../music/midi';\n")).toHaveLength(1);
  }, 30_000);

  it('keeps TF.js out of lib/audio, lib/classroom and app pages, but allows it in the model worker', async () => {
    expect(await restricted('lib/audio/x.ts', "import '@tensorflow/tfjs';\n")).toHaveLength(1);
    expect(await restricted('lib/classroom/x.ts', "import '@tensorflow/tfjs';\n")).toHaveLength(1);
    expect(await restricted('app/image/x.tsx', "import '@tensorflow/tfjs';\n")).toHaveLength(1);
    expect(await restricted('app/_workers/x.ts', "import '@tensorflow/tfjs';\n")).toHaveLength(0);
  }, 30_000);

  it('allows the intended directions', async () => {
    expect(await restricted('lib/audio/x.ts', "import 'tone';\n")).toHaveLength(0);
    expect(await restricted('lib/music/x.ts', "import '../core/errors';\nimport '@tensorflow/tfjs';\n")).toHaveLength(0);
    expect(await restricted('lib/latent/x.ts', "import '../core/errors';\n")).toHaveLength(0);
    expect(await restricted('app/page.tsx', "import '@/lib/core/errors';\n")).toHaveLength(0);
  }, 30_000);
});
