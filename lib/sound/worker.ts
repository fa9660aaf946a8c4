/**
 * The audio-in worker part: a take (samples decoded on the page) → a melody or a drum groove on the
 * 16th grid. basic-pitch loads on first use from the shipped folder
 * (models/basic-pitch, 0.74 MB) and stays for later takes. Runs in the model worker.
 */
import type { z } from 'zod';
import { urlSource } from '../core/checkpoint';
import { defineWorkerPart, typedPost } from '../domains/router';
import { loadBasicPitch, type BasicPitchModel, BASIC_PITCH_MODEL_PATH } from './basic-pitch';
import { drumsFromExamples, examplesComplete, exampleHits } from './drum-calibration';
import { transcribeGroove } from './drums';
import { melodyFromNotes, transcribeMelody, type MelodyTranscription } from './transcribe';
import { soundProtocol } from './protocol';

type SoundRequest = z.output<(typeof soundProtocol.requests)[number]>;
type SoundResponse = z.output<(typeof soundProtocol.responses)[number]>;
type Post = (message: SoundResponse, transfer?: Transferable[]) => void;

const STAGE_LABELS: Record<string, string> = {
  resampling: 'Preparing the audio',
  listening: 'Listening for notes',
  notes: 'Following the melody',
  tempo: 'Finding the beat',
  hits: 'Finding the hits',
};

let model: Promise<BasicPitchModel> | undefined;

/** basic-pitch, loaded once (a failed load is forgotten, so the next take tries again). */
function basicPitch(): Promise<BasicPitchModel> {
  if (!model) {
    model = loadBasicPitch(urlSource(new URL(`/models/${BASIC_PITCH_MODEL_PATH}/`, self.location.href).href));
    model.catch(() => {
      model = undefined;
    });
  }
  return model;
}

function melodyDone(id: number, t: Omit<MelodyTranscription, 'line'>, ms: number): SoundResponse {
  const { estimate, ...tempo } = t.tempo;
  return {
    id,
    type: 'sound:melody:done',
    sequence: { ...t.sequence, totalQuantizedSteps: t.sequence.totalQuantizedSteps },
    origin: t.origin,
    tempo: { ...tempo, ...(estimate ? { candidates: estimate.candidates.map((c) => c.qpm) } : {}) },
    heard: t.heard.map(({ pitch, start, end, salience }) => ({ pitch, start, end, salience })),
    seconds: t.seconds,
    ms,
  };
}

async function handleSoundRequest(request: SoundRequest, post: Post, signal: AbortSignal): Promise<void> {
  const t0 = performance.now();
  const progress = (stage: string, fraction: number): void =>
    post({ id: request.id, type: 'sound:progress', label: STAGE_LABELS[stage] ?? stage, fraction: Math.max(0, Math.min(1, fraction)) });
  switch (request.type) {
    case 'sound:melody': {
      progress('resampling', 0);
      const bp = await basicPitch();
      const audio = { samples: request.samples, sampleRate: request.sampleRate };
      const t = await transcribeMelody(bp, audio, {
        ...(request.grid ? { grid: request.grid } : {}),
        ...(request.qpm === undefined ? {} : { qpm: request.qpm }),
        name: request.name,
        signal,
        onProgress: progress,
      });
      post(melodyDone(request.id, t, performance.now() - t0));
      return;
    }
    case 'sound:requantize': {
      const heard = request.heard.filter((n) => Number.isFinite(n.start) && Number.isFinite(n.end) && n.end > n.start);
      const t = melodyFromNotes(heard, {
        ...(request.grid ? { grid: request.grid } : {}),
        ...(request.qpm === undefined ? {} : { qpm: request.qpm }),
        name: request.name,
      });
      const seconds = heard.reduce((m, n) => Math.max(m, n.end), 0);
      post(melodyDone(request.id, { ...t, heard, seconds }, performance.now() - t0));
      return;
    }
    case 'sound:groove': {
      const audio = { samples: request.samples, sampleRate: request.sampleRate };
      const examples = request.examples && examplesComplete(request.examples) ? request.examples : undefined;
      const g = transcribeGroove(audio, {
        ...(examples ? { hits: { classify: drumsFromExamples(examples) } } : {}),
        ...(request.grid ? { grid: request.grid } : {}),
        ...(request.qpm === undefined ? {} : { qpm: request.qpm }),
        name: request.name,
        signal,
        onProgress: progress,
      });
      const { estimate, ...tempo } = g.tempo;
      post({
        id: request.id,
        type: 'sound:groove:done',
        sequence: g.sequence,
        origin: g.origin,
        tempo: { ...tempo, ...(estimate ? { candidates: estimate.candidates.map((c) => c.qpm) } : {}) },
        hits: g.hits.length,
        taught: examples !== undefined,
        ms: performance.now() - t0,
      });
      return;
    }
    case 'sound:example-hits': {
      const features = exampleHits({ samples: request.samples, sampleRate: request.sampleRate }, request.name);
      post({ id: request.id, type: 'sound:example-hits:done', features, ms: performance.now() - t0 });
      return;
    }
  }
}

export const soundWorkerPart = defineWorkerPart({
  protocol: soundProtocol,
  handle: (request, context) => handleSoundRequest(request, typedPost<SoundResponse>(context.post), context.signal),
});
