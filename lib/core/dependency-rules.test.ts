import { ESLint } from 'eslint';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * Lints a one-line file at `filePath` and returns the messages of the dependency rule. The files
 * are made up, so type information (which needs a file of the TypeScript project) is switched off.
 */
async function restricted(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: process.cwd(),
    overrideConfig: { languageOptions: { parserOptions: { projectService: false } }, rules: { '@typescript-eslint/no-floating-promises': 'off' } },
  });
  const [result] = await eslint.lintText(code, { filePath });
  const fatal = (result?.messages ?? []).filter((m) => m.fatal);
  if (fatal.length > 0) throw new Error(fatal.map((m) => m.message).join('; '));
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

  it('lets lib/sound use TF.js, lib/core and lib/music, but not Tone, UI or lib/audio', async () => {
    expect(await restricted('lib/sound/x.ts', "import '@tensorflow/tfjs';\nimport '../core/errors';\nimport '../music/note-sequence';\n")).toHaveLength(0);
    expect(await restricted('lib/sound/x.ts', "import 'tone';\n")).toHaveLength(1);
    expect(await restricted('lib/sound/x.ts', "import 'react';\n")).toHaveLength(1);
    expect(await restricted('lib/sound/x.ts', "import '../audio/player';\n")).toHaveLength(1);
    expect(await restricted('lib/music/x.ts', "import '../sound/pcm';\n")).toHaveLength(1);
  }, 30_000);

  it('allows the intended directions', async () => {
    expect(await restricted('lib/audio/x.ts', "import 'tone';\n")).toHaveLength(0);
    expect(await restricted('lib/music/x.ts', "import '../core/errors';\nimport '@tensorflow/tfjs';\n")).toHaveLength(0);
    expect(await restricted('lib/latent/x.ts', "import '../core/errors';\n")).toHaveLength(0);
    expect(await restricted('app/page.tsx', "import '@/lib/core/errors';\n")).toHaveLength(0);
  }, 30_000);

  it('refuses a floating promise (type-aware), linting a real file of the project with a line added', async () => {
    const eslint = new ESLint({ cwd: process.cwd() });
    const lint = async (code: string): Promise<string[]> => {
      const [result] = await eslint.lintText(code, { filePath: 'lib/core/url-state.ts' });
      return (result?.messages ?? []).map((m) => m.ruleId ?? `fatal: ${m.message}`);
    };
    const source = readFileSync('lib/core/url-state.ts', 'utf8');
    expect(await lint(source)).toEqual([]);
    expect(await lint(`${source}\nexport function probe(): void {\n  Promise.resolve(1);\n}\n`)).toEqual(['@typescript-eslint/no-floating-promises']);
    expect(await lint(`${source}\nexport function probe(): void {\n  void Promise.resolve(1);\n}\n`)).toEqual([]);
  }, 60_000);
});
