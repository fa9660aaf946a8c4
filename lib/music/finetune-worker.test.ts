import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestRouter } from '../domains/router';
import type { WorkerMessage } from '../domains/types';
import type { FineTuneCard } from './finetune-card';
import { fineTuneRecipe } from './finetune-recipe';
import { listFineTuned, saveFineTuned, savedModelSource } from './finetune-store';
import { finetuneWorkerPart } from './finetune-worker';
import { MusicVAE } from './music-vae';
import { drumFile, melodyFile } from './testing/finetune-fixtures';
import { TINY_DRUMS, TINY_MELODY } from './testing/fixtures';
import { musicVaeConfigFor, randomMusicVaeVariables } from './testing/random-checkpoint';

type Message = WorkerMessage & Record<string, unknown>;
const sent: Message[] = [];
const router = createRequestRouter([finetuneWorkerPart], (m) => sent.push(m as Message));
let nextId = 1;

/** Sends a request and returns its final answer (progress messages stay in `sent`). */
async function ask(body: Record<string, unknown>): Promise<Message> {
  const id = nextId++;
  await router.handle({ ...body, id });
  const answers = sent.filter((m) => m.id === id && m.type !== 'finetune:progress');
  const last = answers.at(-1);
  if (!last) throw new Error(`no answer to ${String(body.type)}`);
  return last;
}

const melodyFiles = Array.from({ length: 10 }, (_, i) => ({ name: `tune-${i}.mid`, bytes: melodyFile(i, 3) }));

beforeAll(async () => {
  // A tiny random "shipped" model, saved in this (fake) browser so the worker can start from it by name.
  const card: FineTuneCard = {
    name: 'tiny-base',
    kind: 'melody',
    mode: 'decoder',
    base: 'random',
    steps: 0,
    seconds: 0,
    savedAt: 1,
    data: { files: 0, refused: 0, trainWindows: 0, heldBackWindows: 0, heldBackNote: '' },
  };
  await saveFineTuned(card, {
    config: musicVaeConfigFor('melody'),
    recipe: fineTuneRecipe('decoder', 'melody'),
    weights: randomMusicVaeVariables(TINY_MELODY),
  });
});
afterAll(() => finetuneWorkerPart.dispose?.());

describe('the fine-tuning worker part', () => {
  it('names refused files, and refuses too little data or files of the other kind with what was found', async () => {
    const r = await ask({
      type: 'finetune:prepare',
      lab: 'melody',
      files: [...melodyFiles, { name: 'beat.mid', bytes: drumFile(0) }, { name: 'readme.txt', bytes: new TextEncoder().encode('hello') }],
    });
    expect(r.type).toBe('finetune:prepared');
    const files = r.files as { name: string; refused?: string }[];
    expect(files.find((f) => f.name === 'beat.mid')?.refused).toMatch(/only drums, no melody/);
    expect(files.find((f) => f.name === 'readme.txt')?.refused).toMatch(/not a Standard MIDI File/);
    expect(r).toMatchObject({ trainWindows: 40, heldBackWindows: 10 });
    const few = await ask({ type: 'finetune:prepare', lab: 'melody', files: melodyFiles.slice(0, 1) });
    expect(few).toMatchObject({ type: 'error', name: 'FineTuneDataError' });
    expect(few.message).toMatch(/Found 5 usable 2-bar windows .* needs at least 8/);
    const drums = await ask({ type: 'finetune:prepare', lab: 'drums', files: melodyFiles.slice(0, 3) });
    expect(drums.message).toMatch(/These are melody files: fine-tune the melody model in the melody lab instead/);
  });

  it('fine-tunes with progress, compares before and after, saves, lists, exports a loadable Magenta folder and deletes', async () => {
    await ask({ type: 'finetune:prepare', lab: 'melody', files: melodyFiles });
    const before = sent.length;
    const trained = await ask({ type: 'finetune:train', lab: 'melody', mode: 'decoder', base: { kind: 'saved', name: 'tiny-base' }, steps: 3 });
    expect(trained).toMatchObject({ type: 'finetune:trained', stoppedBy: 'done', step: 3 });
    expect((trained.after as { greedyAccuracy: number }).greedyAccuracy).toBeGreaterThanOrEqual(0);
    const progress = sent.slice(before).filter((m) => m.type === 'finetune:progress' && m.phase === 'training');
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3]);
    const compared = await ask({ type: 'finetune:compare', lab: 'melody', count: 2, temperature: 0.5, seed: 3 });
    expect(compared.type).toBe('finetune:compared');
    expect((compared.inputs as unknown[]).length).toBe(2);
    expect((compared.samples as { after: unknown[] }).after.length).toBe(2);
    const saved = await ask({ type: 'finetune:save', lab: 'melody', name: 'my jigs' });
    expect((saved.models as FineTuneCard[]).map((m) => m.name)).toContain('my jigs');
    const card = (await listFineTuned('melody')).find((c) => c.name === 'my jigs');
    expect(card).toMatchObject({ kind: 'melody', mode: 'decoder', base: 'tiny-base', steps: 3, data: { trainWindows: 40, heldBackWindows: 10 } });
    expect(card?.before).toBeDefined();
    expect((await ask({ type: 'finetune:checkpoint', lab: 'melody' })).checkpoint).toBeUndefined(); // saving clears the running checkpoint
    const exported = await ask({ type: 'finetune:export', name: 'my jigs' });
    const names = (exported.files as { name: string }[]).map((f) => f.name).sort();
    expect(names).toEqual(['config.json', 'fine-tune.json', 'group1-shard1of1', 'weights_manifest.json']);
    const model = await MusicVAE.load(savedModelSource('my jigs'), { expectKind: 'melody' });
    expect(model.zDims).toBe(TINY_MELODY.zDims);
    model.dispose();
    const deleted = await ask({ type: 'finetune:delete', name: 'my jigs' });
    expect((deleted.models as FineTuneCard[]).map((m) => m.name)).not.toContain('my jigs');
    await expect(MusicVAE.load(savedModelSource('my jigs'))).rejects.toThrow(/No fine-tuned model "my jigs" is saved in this browser \(saved: "tiny-base"\)/);
  });

  it('a run stopped part-way (a closed tab) is offered again and resumes from its last checkpoint', async () => {
    await ask({ type: 'finetune:prepare', lab: 'melody', files: melodyFiles });
    const id = nextId++;
    const run = router.handle({ id, type: 'finetune:train', lab: 'melody', mode: 'decoder', base: { kind: 'saved', name: 'tiny-base' }, steps: 12 });
    // Stop it after its second step, as a closed tab would (the page is gone; the worker saved as it went).
    while (!sent.some((m) => m.id === id && m.type === 'finetune:progress' && m.done === 2)) await new Promise((r) => setTimeout(r, 5));
    await router.handle({ id: nextId++, type: 'cancel', target: id });
    await run;
    finetuneWorkerPart.dispose?.();
    const info = await ask({ type: 'finetune:checkpoint', lab: 'melody' });
    const checkpoint = info.checkpoint as { step: number; until: number; mode: string };
    expect(checkpoint.until).toBe(12);
    expect(checkpoint.step).toBeGreaterThanOrEqual(2);
    expect(checkpoint.step).toBeLessThan(12);
    const tensors = tf.memory().numTensors;
    const resumed = await ask({ type: 'finetune:train', lab: 'melody', mode: 'whole', base: { kind: 'shipped' }, steps: 1, resume: true });
    expect(resumed).toMatchObject({ type: 'finetune:trained', stoppedBy: 'done', step: 12 });
    finetuneWorkerPart.dispose?.();
    expect(tf.memory().numTensors).toBe(tensors);
    await ask({ type: 'finetune:discard', lab: 'melody' });
    expect((await ask({ type: 'finetune:checkpoint', lab: 'melody' })).checkpoint).toBeUndefined();
  });
});

describe('the fine-tuning answers', () => {
  it('pass the page-side checks (progress before the first step carries NaN loss and ETA)', async () => {
    const { responseSchemaFor } = await import('../domains/protocol');
    const { finetuneProtocol } = await import('./finetune-protocol');
    const check = responseSchemaFor([finetuneProtocol]);
    await ask({ type: 'finetune:prepare', lab: 'melody', files: melodyFiles });
    const start = sent.length;
    await ask({ type: 'finetune:train', lab: 'melody', mode: 'whole', base: { kind: 'saved', name: 'tiny-base' }, steps: 2 });
    await ask({ type: 'finetune:compare', lab: 'melody', count: 1, temperature: 0, seed: 1 });
    const answers = sent.slice(start);
    expect(answers.some((m) => m.type === 'finetune:progress' && Number.isNaN(m.loss))).toBe(true);
    for (const m of answers) expect(check.safeParse(m).success, String(m.type)).toBe(true);
  });
});

describe('fine-tuning the drum model', () => {
  it('reads drum files, trains, and refuses a model that reads windows differently', async () => {
    const card: FineTuneCard = {
      name: 'tiny-drums',
      kind: 'drums',
      mode: 'whole',
      base: 'random',
      steps: 0,
      seconds: 0,
      savedAt: 2,
      data: { files: 0, refused: 0, trainWindows: 0, heldBackWindows: 0, heldBackNote: '' },
    };
    await saveFineTuned(card, { config: musicVaeConfigFor('drums'), recipe: fineTuneRecipe('whole', 'drums'), weights: randomMusicVaeVariables(TINY_DRUMS) });
    const grooves = Array.from({ length: 5 }, (_, i) => ({ name: `groove-${i}.mid`, bytes: drumFile(i, 3) }));
    const r = await ask({ type: 'finetune:prepare', lab: 'drums', files: grooves });
    expect(r).toMatchObject({ type: 'finetune:prepared', trainWindows: 20, heldBackWindows: 5 });
    const trained = await ask({ type: 'finetune:train', lab: 'drums', mode: 'whole', base: { kind: 'saved', name: 'tiny-drums' }, steps: 2 });
    expect(trained).toMatchObject({ type: 'finetune:trained', stoppedBy: 'done', step: 2 });
    // A 64-step model reads 4-bar windows: not what these windows are.
    const long = { ...card, name: 'long-drums' };
    await saveFineTuned(long, {
      config: { type: 'MusicVAE', dataConverter: { type: 'DrumsConverter', args: { numSteps: 64 } } },
      recipe: fineTuneRecipe('whole', 'drums'),
      weights: randomMusicVaeVariables(TINY_DRUMS),
    });
    const refused = await ask({ type: 'finetune:train', lab: 'drums', mode: 'whole', base: { kind: 'saved', name: 'long-drums' }, steps: 2 });
    expect(refused).toMatchObject({ type: 'error', name: 'InvalidInputError' });
    expect(refused.message).toMatch(/long-drums reads .*"numSteps":64.*fine-tuning here reads your files as the shipped models do/);
  });
});
