'use client';
/**
 * Sound in: record a take from the microphone (level meter, optional count-in on the lab's tempo,
 * 1–30 s, Stop and Cancel) or choose / drop an audio file (WAV, MP3, OGG, FLAC; M4A and WebM where
 * the browser decodes them). Hands the take's samples to `onTake`; the lab sends them to the model
 * worker. A refused microphone or a file that is not audio gives a message naming what was found, and
 * nothing on screen changes.
 */
import { useEffect, useRef, useState, type DragEvent } from 'react';
import { describeError } from '@/lib/core/errors';
import { decodeAudioInBrowser } from '@/lib/sound/decode-browser';
import { AudioTooLongError } from '@/lib/sound/errors';
import { startRecording, TAKE_SECONDS, type Recording } from '@/lib/sound/microphone';
import type { BeatGrid } from '@/lib/sound/melody';
import { MAX_AUDIO_BYTES } from '@/lib/sound/pcm';

/** A take ready for the model worker. */
export interface AudioTake {
  samples: Float32Array;
  sampleRate: number;
  /** "Your recording" or the file's name. */
  name: string;
  /** Known when a count-in came first. */
  grid?: BeatGrid;
}

export interface AudioInputProps {
  /** What to do, under the buttons ("Sing, hum, whistle or play a melody"). */
  hint: string;
  qpm: number;
  /** Prefix of the test ids ("sing-a", "groove"). */
  testId: string;
  /** Longest take (default 30 s). */
  maxSeconds?: number;
  /** Keep the metronome clicking through the take and stop after this many bars (grooves). */
  bars?: number;
  /** Offer the count-in (default true; a single note needs none). */
  countIn?: boolean;
  busy: boolean;
  onTake(take: AudioTake): void;
  onError(message: string): void;
}

const FILE_TYPES = '.wav,.mp3,.ogg,.oga,.opus,.flac,.m4a,.aac,.webm,.aif,.aiff,audio/*';

export function AudioInput({ hint, qpm, testId, maxSeconds = TAKE_SECONDS.max, bars, countIn: offerCountIn = true, busy, onTake, onError }: AudioInputProps) {
  const [countIn, setCountIn] = useState(offerCountIn);
  const [recording, setRecording] = useState<Recording>();
  const [opening, setOpening] = useState(false);
  const [level, setLevel] = useState(0);
  const [time, setTime] = useState(0);
  const [dragging, setDragging] = useState(false);
  const live = useRef<Recording | undefined>(undefined);
  useEffect(() => () => live.current?.cancel(), []);

  const beats = 4;
  const grooveSeconds = bars === undefined ? undefined : (bars * 4 * 60) / qpm;

  const record = async () => {
    setOpening(true);
    try {
      const withClicks = countIn || bars !== undefined;
      const rec = await startRecording({
        maxSeconds,
        ...(withClicks ? { countIn: { qpm, beats } } : {}),
        ...(bars !== undefined ? { metronome: true, stopAfter: (grooveSeconds ?? 0) + 0.3 } : {}),
        onLevel: ({ peak }) => setLevel(peak),
        onTime: setTime,
      });
      live.current = rec;
      setRecording(rec);
      setTime(withClicks ? -beats * (60 / qpm) : 0);
      rec.done
        .then((take) => onTake({ ...take, name: 'Your recording' }))
        .catch((error: unknown) => {
          if (!(error instanceof Error && error.name === 'CancelledError')) onError(describeError(error));
        })
        .finally(() => {
          live.current = undefined;
          setRecording(undefined);
          setLevel(0);
        });
    } catch (error) {
      onError(describeError(error));
    } finally {
      setOpening(false);
    }
  };

  const readFile = async (file: File) => {
    if (file.size > MAX_AUDIO_BYTES) {
      throw new AudioTooLongError(
        `${file.name} is ${(file.size / 1024 / 1024).toFixed(0)} MB; audio files up to ${MAX_AUDIO_BYTES / 1024 / 1024} MB are read.`,
        NaN,
        maxSeconds,
      );
    }
    const pcm = await decodeAudioInBrowser(await file.arrayBuffer(), file.name);
    onTake({ ...pcm, name: file.name });
  };
  const openFile = (file: File | undefined) => {
    if (file) readFile(file).catch((error: unknown) => onError(describeError(error)));
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    if (busy || recording || opening) {
      onError('Another take is being recorded or transcribed: drop the file again when it is done.');
      return;
    }
    openFile(e.dataTransfer.files[0]);
  };

  const idle = !recording && !opening;
  return (
    <div
      className={`audio-input${dragging ? ' dragging' : ''}`}
      data-testid={`${testId}-input`}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <div className="controls">
        {idle ? (
          <button type="button" onClick={() => void record()} disabled={busy} data-testid={`${testId}-record`}>
            ● Record
          </button>
        ) : (
          <>
            <button type="button" onClick={() => recording?.stop()} disabled={!recording} data-testid={`${testId}-stop`}>
              ■ Stop
            </button>
            <button type="button" className="link-button" onClick={() => recording?.cancel()} disabled={!recording} data-testid={`${testId}-cancel`}>
              Cancel
            </button>
          </>
        )}
        {!offerCountIn ? null : bars === undefined ? (
          <label title="Four clicks on the lab's tempo before you start: the take then sits on the grid, no tempo guessing.">
            <input type="checkbox" checked={countIn} onChange={(e) => setCountIn(e.target.checked)} disabled={!idle} data-testid={`${testId}-countin`} /> Count
            in ({qpm} BPM)
          </label>
        ) : (
          <span className="muted small">
            Four clicks, then {bars} bars at {qpm} BPM with the metronome.
          </span>
        )}
        <label className="file-button">
          Audio file…
          <input
            type="file"
            className="visually-hidden"
            accept={FILE_TYPES}
            disabled={!idle || busy}
            data-testid={`${testId}-file`}
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              openFile(file);
            }}
          />
        </label>
      </div>
      {!idle && (
        <div className="recording-row" data-testid={`${testId}-recording`}>
          <meter min={0} max={1} low={0.05} high={0.9} optimum={0.5} value={level} aria-label="Input level" />
          <span className="small" aria-live="polite">
            {time < 0 ? `Count-in: ${Math.ceil(-time / (60 / qpm))}…` : `● ${time.toFixed(1)} s of ${(grooveSeconds ?? maxSeconds).toFixed(0)} s`}
          </span>
        </div>
      )}
      {idle && (
        <p className="muted small">
          {hint} — or drop an audio file here.{offerCountIn || bars !== undefined ? ' Headphones keep the clicks out of the take.' : ''}
        </p>
      )}
    </div>
  );
}
