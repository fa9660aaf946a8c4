'use client';
/**
 * The NSynth-Super-style pad: four sounds in the corners, and every point between them a blend of
 * their codes. Dragging the puck plays the blend under it, as fast as the model decodes (the latest
 * position wins; positions passed over while a note was being made are skipped).
 */
import { useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { describeError } from '@/lib/core/errors';
import { Spectrogram } from '@/app/_components/media/Spectrogram';
import { playPcm } from '@/app/_components/media/pcm-player';
import { request } from '@/app/_workers/client';

export interface TimbrePadProps {
  /** Codes of the corners: top left (A), top right (B), bottom left (C), bottom right (D). */
  corners: readonly (readonly number[])[] | undefined;
  names: readonly string[];
  x: number;
  y: number;
  pitch: number;
  sampleRate: number;
  onMove(x: number, y: number): void;
  onError(message: string): void;
}

export function TimbrePad({ corners, names, x, y, pitch, sampleRate, onMove, onError }: TimbrePadProps) {
  const square = useRef<HTMLDivElement>(null);
  const [dragging, setDragging] = useState(false);
  const [last, setLast] = useState<{ clip: Float32Array; ms: number }>();
  const [decodes, setDecodes] = useState(0);
  const inFlight = useRef(false);
  const wanted = useRef<{ x: number; y: number } | undefined>(undefined);
  const cornersRef = useRef(corners);
  useEffect(() => {
    cornersRef.current = corners;
  }, [corners]);

  /** Decodes and plays the latest wanted position, then the next one if the puck moved meanwhile. */
  const pump = async (): Promise<void> => {
    if (inFlight.current) return;
    inFlight.current = true;
    try {
      while (wanted.current && cornersRef.current) {
        const at = wanted.current;
        wanted.current = undefined;
        const r = await request({ type: 'timbre:blend', corners: cornersRef.current.map((c) => [...c]), x: at.x, y: at.y, pitch }, 'timbre:audio');
        const clip = r.clips[0];
        if (clip) {
          setLast({ clip, ms: r.ms });
          setDecodes((n) => n + 1);
          await playPcm(clip, sampleRate);
        }
      }
    } catch (error) {
      onError(describeError(error));
    } finally {
      inFlight.current = false;
    }
  };
  const sound = (nx: number, ny: number) => {
    wanted.current = { x: nx, y: ny };
    void pump();
  };

  const at = (e: ReactPointerEvent): { x: number; y: number } | undefined => {
    const r = square.current?.getBoundingClientRect();
    if (!r || r.width === 0) return undefined;
    return { x: Math.max(0, Math.min(1, (e.clientX - r.left) / r.width)), y: Math.max(0, Math.min(1, (e.clientY - r.top) / r.height)) };
  };
  const move = (e: ReactPointerEvent) => {
    const p = at(e);
    if (!p) return;
    onMove(Math.round(p.x * 1000) / 1000, Math.round(p.y * 1000) / 1000);
    sound(p.x, p.y);
  };

  return (
    <section className="card pad-card" aria-label="Timbre pad" data-testid="timbre-pad" data-decodes={decodes}>
      <h2>Pad: drag between four sounds</h2>
      <div className="pad-layout">
        <div
          ref={square}
          className={`timbre-pad${corners ? '' : ' disabled'}`}
          role="slider"
          tabIndex={0}
          aria-label="Blend of the four sounds (arrow keys move)"
          aria-valuetext={`${Math.round(x * 100)}% across, ${Math.round(y * 100)}% down`}
          data-testid="pad-square"
          onPointerDown={(e) => {
            if (!corners) return;
            (e.target as Element).setPointerCapture?.(e.pointerId);
            setDragging(true);
            move(e);
          }}
          onPointerMove={(e) => dragging && move(e)}
          onPointerUp={() => setDragging(false)}
          onPointerCancel={() => setDragging(false)}
          onKeyDown={(e) => {
            const d = { ArrowLeft: [-0.05, 0], ArrowRight: [0.05, 0], ArrowUp: [0, -0.05], ArrowDown: [0, 0.05] }[e.key];
            if (!d || !corners) return;
            e.preventDefault();
            const nx = Math.max(0, Math.min(1, x + (d[0] ?? 0)));
            const ny = Math.max(0, Math.min(1, y + (d[1] ?? 0)));
            onMove(nx, ny);
            sound(nx, ny);
          }}
        >
          {names.map((n, i) => (
            <span key={i} className={`pad-corner pad-corner-${i}`}>
              {'ABCD'[i]}: {n}
            </span>
          ))}
          <span className="pad-puck" style={{ left: `${x * 100}%`, top: `${y * 100}%` }} />
        </div>
        {last && (
          <div className="pad-last">
            <Spectrogram samples={last.clip} sampleRate={sampleRate} title="The blend under the puck" width={160} height={96} />
            <p className="small muted" data-testid="pad-ms">
              made in {last.ms.toFixed(0)} ms in the model worker
            </p>
          </div>
        )}
      </div>
    </section>
  );
}
