'use client';
/**
 * "Sing it in" for one melody slot: a take (microphone or file) goes to the model worker, which
 * hears its main line with basic-pitch and puts it on the 16th grid; the whole take then shows on
 * the slot's roll to pick 2 bars, like an imported MIDI file. The tempo used is shown (detected, or
 * the count-in's) and can be changed, and the bar lines moved by a beat, without listening again.
 */
import { useEffect, useRef, useState } from 'react';
import { describeError } from '@/lib/core/errors';
import { count } from '@/lib/core/text';
import { TEMPO_RANGE, STEPS_PER_BAR } from '@/lib/music/note-sequence';
import { takeWindows, type MidiWindows } from '@/lib/music/windows';
import type { HeardNoteMessage } from '@/lib/sound/protocol';
import { ProgressBar } from '@/app/_components/ProgressBar';
import { useWorkerCall } from '@/app/_components/useWorkerCall';
import type { WorkerResponse } from '@/app/_workers/protocol';
import { AudioInput, type AudioTake } from '../_components/AudioInput';
import { playPcm, type PcmPlayback } from '@/app/_components/media/pcm-player';

type Heard = Extract<WorkerResponse, { type: 'sound:melody:done' }>;

export interface SingInProps {
  which: 'a' | 'b';
  qpm: number;
  /** The take's windows (its name for messages). */
  onFound(found: MidiWindows, name: string): void;
  onError(message: string): void;
}

function describeTempo(t: Heard['tempo']): string {
  const bpm = `${t.qpm.toFixed(t.qpm % 1 === 0 ? 0 : 1)} BPM`;
  if (t.source === 'given')
    return `${bpm} (the count-in${t.latency ? `; the take sat ${Math.round(Math.abs(t.latency) * 1000)} ms ${t.latency > 0 ? 'late' : 'early'}, taken out` : ''})`;
  return t.source === 'detected' ? `${bpm} (detected)` : `${bpm} (yours)`;
}

export function SingIn({ which, qpm, onFound, onError }: SingInProps) {
  const call = useWorkerCall();
  const [heard, setHeard] = useState<Heard>();
  const [take, setTake] = useState<{ samples: Float32Array; sampleRate: number; name: string }>();
  const [tempoText, setTempoText] = useState('');
  const playing = useRef<PcmPlayback | undefined>(undefined);
  const [listening, setListening] = useState(false);
  useEffect(() => () => playing.current?.stop(), []);

  const show = (r: Heard, name: string) => {
    setHeard(r);
    setTempoText(String(Math.round(r.tempo.qpm * 10) / 10));
    const bars = r.sequence.totalQuantizedSteps / STEPS_PER_BAR;
    const note = `${count(r.sequence.notes.length, 'note')} heard in ${r.seconds.toFixed(1)} s, at ${describeTempo(r.tempo)}: ${count(bars, 'bar')}`;
    onFound(takeWindows(r.sequence, note), name);
  };

  const transcribe = async (t: AudioTake) => {
    // The worker gets the samples (moved); the page keeps a copy to play back.
    setTake({ samples: t.samples.slice(), sampleRate: t.sampleRate, name: t.name });
    const r = await call.run(
      { type: 'sound:melody', samples: t.samples, sampleRate: t.sampleRate, name: t.name, ...(t.grid ? { grid: t.grid } : {}) },
      'sound:melody:done',
      [t.samples.buffer],
    );
    if (r) show(r, t.name);
  };

  /** The same notes on another grid (a typed tempo, a candidate, or bar lines a beat away). */
  const again = async (grid: { qpm: number; downbeat?: number }) => {
    if (!heard || !take) return;
    const r = await call.run(
      {
        type: 'sound:requantize',
        heard: heard.heard as HeardNoteMessage[],
        name: take.name,
        ...(grid.downbeat === undefined ? { qpm: grid.qpm } : { grid: { qpm: grid.qpm, downbeat: grid.downbeat } }),
      },
      'sound:melody:done',
    );
    if (r) show({ ...r, seconds: heard.seconds }, take.name);
  };
  const guard = (work: Promise<void>) => work.catch((error: unknown) => onError(`Melody ${which.toUpperCase()}: ${describeError(error)}`));

  const applyTempo = () => {
    const v = Number(tempoText);
    if (!heard) return;
    if (!Number.isFinite(v) || v < TEMPO_RANGE.min || v > TEMPO_RANGE.max) {
      onError(`The tempo must be ${TEMPO_RANGE.min}–${TEMPO_RANGE.max} BPM; got "${tempoText}".`);
      setTempoText(String(heard.tempo.qpm));
      return;
    }
    if (Math.abs(v - heard.tempo.qpm) > 0.05) void guard(again({ qpm: v }));
  };
  const shiftBarLine = (beats: number) => {
    if (heard) void guard(again({ qpm: heard.tempo.qpm, downbeat: heard.tempo.downbeat + (beats * 60) / heard.tempo.qpm }));
  };

  const listen = async () => {
    if (playing.current) {
      playing.current.stop();
      return;
    }
    if (!take) return;
    setListening(true);
    const p = await playPcm(take.samples, take.sampleRate);
    playing.current = p;
    await p.ended;
    playing.current = undefined;
    setListening(false);
  };

  const candidates = (heard?.tempo.candidates ?? []).filter((c) => heard && Math.abs(c - heard.tempo.qpm) > 2).slice(0, 2);
  return (
    <div className="sing-in" data-testid={`sing-in-${which}`}>
      <AudioInput
        hint="Sing, hum, whistle or play a tune (one note at a time)"
        qpm={qpm}
        testId={`sing-${which}`}
        busy={call.running}
        onTake={(t) => void guard(transcribe(t))}
        onError={(m) => onError(`Melody ${which.toUpperCase()}: ${m}`)}
      />
      {call.running && (
        <div className="busy-row" data-testid={`sing-progress-${which}`}>
          <ProgressBar label={call.progress?.label ?? 'Listening…'} fraction={call.progress?.fraction} />
          <button type="button" onClick={call.cancel}>
            Cancel
          </button>
        </div>
      )}
      {heard && take && !call.running && (
        <div
          className="controls"
          data-testid={`sing-result-${which}`}
          data-notes={heard.sequence.notes.length}
          data-qpm={heard.tempo.qpm}
          data-source={heard.tempo.source}
        >
          <span className="small">
            {take.name}: {count(heard.sequence.notes.length, 'note')} at {describeTempo(heard.tempo)}.
          </span>
          <label>
            Tempo{' '}
            <input
              type="number"
              min={TEMPO_RANGE.min}
              max={TEMPO_RANGE.max}
              step={0.5}
              value={tempoText}
              onChange={(e) => setTempoText(e.target.value)}
              onBlur={applyTempo}
              onKeyDown={(e) => e.key === 'Enter' && applyTempo()}
              data-testid={`sing-tempo-${which}`}
            />
          </label>
          {candidates.map((c) => (
            <button key={c} type="button" className="link-button" onClick={() => void guard(again({ qpm: c }))}>
              or {Math.round(c)} BPM?
            </button>
          ))}
          <button type="button" className="link-button" onClick={() => shiftBarLine(-1)} title="Move every bar line one beat earlier">
            ◂ bar line
          </button>
          <button type="button" className="link-button" onClick={() => shiftBarLine(1)} title="Move every bar line one beat later">
            bar line ▸
          </button>
          <button type="button" onClick={() => void listen()} data-testid={`sing-listen-${which}`}>
            {listening ? '■ Stop' : '▶ Hear the take'}
          </button>
        </div>
      )}
      {!heard && !call.running && <p className="muted small">Then pick 2 bars on the roll; fix any note by hand on the piano roll below.</p>}
    </div>
  );
}
