import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findPages, mainThreadViolations, pageGraphs } from './testing/client-graph';

const root = process.cwd();

describe("each page's main-thread JavaScript", () => {
  it('loads no @tensorflow/* (only the model worker does), and Tone.js only lazily through lib/audio and never on the silent pages', async () => {
    const pages = findPages(root);
    expect(pages.map((p) => p.route)).toEqual(expect.arrayContaining(['/', '/image', '/music/melody', '/music/drums']));
    const violations = await mainThreadViolations(root, undefined, pages);
    expect(violations.map((v) => `${v.route}: ${v.rule}\n    ${v.chain.join('\n    → ')}`)).toEqual([]);
  }, 120_000);

  it('sees the image lab and its worker client but not the worker itself', async () => {
    const [image] = await pageGraphs(
      root,
      findPages(root).filter((p) => p.route === '/image'),
    );
    expect(image?.client.has('app/image/ImageLabApp.tsx')).toBe(true);
    expect(image?.client.has('app/_workers/client.ts')).toBe(true);
    expect(image?.client.has('app/_workers/model.worker.ts')).toBe(false);
  }, 120_000);
});

describe('the main-thread check itself', () => {
  // A tiny app inside the repository (so packages resolve from its node_modules).
  const fixture = path.join(root, '.tmp', `client-graph-fixture-${process.pid}`);
  const write = async (file: string, text: string): Promise<void> => {
    await mkdir(path.dirname(path.join(fixture, file)), { recursive: true });
    await writeFile(path.join(fixture, file), text);
  };
  afterAll(() => rm(fixture, { recursive: true, force: true }));

  it('reports TF.js reached from a client component with its import chain, tone outside lib/audio, and leaves workers and server code alone', async () => {
    await write('tsconfig.json', JSON.stringify({ compilerOptions: { jsx: 'react-jsx', baseUrl: '.', paths: { '@/*': ['./*'] } } }));
    await write(
      'app/layout.tsx',
      "import { Badge } from './_components/Badge';\nexport default function L({ children }: { children: unknown }) { return <html><body><Badge />{children as never}</body></html>; }\n",
    );
    await write(
      'app/_components/Badge.tsx',
      "'use client';\nimport { names } from '@/lib/names';\nexport function Badge() { return <span>{names.join()}</span>; }\n",
    );
    await write('lib/names.ts', "export const names = ['wasm'];\n");
    await write('app/page.tsx', "import { Lab } from './Lab';\nexport default function P() { return <Lab />; }\n");
    await write(
      'app/Lab.tsx',
      "'use client';\nimport { backend } from '@/lib/backend';\nexport function Lab() { const w = new Worker(new URL('./worker.ts', import.meta.url)); return <p>{backend()}{String(w)}</p>; }\n",
    );
    await write('lib/backend.ts', "import * as tf from '@tensorflow/tfjs';\nexport const backend = () => tf.getBackend();\n");
    await write('app/worker.ts', "import * as tf from '@tensorflow/tfjs';\nexport const x = tf.version;\n");
    // A server component may use anything server-side; only its client imports ship.
    await write('app/server/page.tsx', "import { backend } from '@/lib/backend';\nexport default function S() { return <p>{backend()}</p>; }\n");
    await write('app/music/page.tsx', "import { Play } from './Play';\nexport default function M() { return <Play />; }\n");
    await write(
      'app/music/Play.tsx',
      "'use client';\nimport { start } from '@/lib/audio/start';\nexport function Play() { return <button onClick={() => void start()}>play</button>; }\n",
    );
    await write('lib/audio/start.ts', "export async function start() { const Tone = await import('tone'); await Tone.start(); }\n");
    await write('app/other/page.tsx', "import { Beep } from './Beep';\nexport default function O() { return <Beep />; }\n");
    await write(
      'app/other/Beep.tsx',
      "'use client';\nimport * as Tone from 'tone';\nexport function Beep() { return <button onClick={() => void Tone.start()}>beep</button>; }\n",
    );
    // Through lib/audio but in the first load (a static import): not allowed either.
    await write('app/band/page.tsx', "import { Band } from './Band';\nexport default function B() { return <Band />; }\n");
    await write(
      'app/band/Band.tsx',
      "'use client';\nimport { synth } from '@/lib/audio/synth';\nexport function Band() { return <button onClick={() => synth()}>band</button>; }\n",
    );
    await write('lib/audio/synth.ts', "import * as Tone from 'tone';\nexport const synth = () => new Tone.Synth();\n");
    // A silent page must not reach Tone.js even lazily.
    await write('app/image/page.tsx', "import { Img } from './Img';\nexport default function I() { return <Img />; }\n");
    await write(
      'app/image/Img.tsx',
      "'use client';\nimport { start } from '@/lib/audio/start';\nexport function Img() { return <button onClick={() => void start()}>img</button>; }\n",
    );
    const found = await mainThreadViolations(fixture);
    const summary = found
      .map(
        (v) =>
          `${v.route} ${v.rule.startsWith('@tensorflow') ? 'tf' : v.rule.includes('first load') ? 'tone-eager' : 'tone'} ${v.chain.filter((f) => !f.includes('node_modules')).join(' > ')}`,
      )
      .sort();
    expect(summary).toEqual([
      '/ tf app/page.tsx > app/Lab.tsx > lib/backend.ts',
      '/band tone-eager app/band/page.tsx > app/band/Band.tsx > lib/audio/synth.ts',
      '/image tone app/image/page.tsx > app/image/Img.tsx > lib/audio/start.ts',
      '/other tone app/other/page.tsx > app/other/Beep.tsx',
      '/other tone-eager app/other/page.tsx > app/other/Beep.tsx',
    ]);
  }, 120_000);
});
