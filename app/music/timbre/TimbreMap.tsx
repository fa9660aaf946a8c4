'use client';
/**
 * The map of the timbre space: the 111 instruments of the shipped set encoded, their codes projected
 * on the two directions that spread them most (PCA), coloured by family. Hover a point to hear its
 * code; click it to use it as one of the lab's sounds.
 */
import { useRef, useState } from 'react';
import { describeError } from '@/lib/core/errors';
import { playPcm } from '@/app/_components/media/pcm-player';
import { ProgressBar } from '@/app/_components/ProgressBar';
import { useWorkerCall } from '@/app/_components/useWorkerCall';
import { request } from '@/app/_workers/client';
import type { WorkerResponse } from '@/app/_workers/protocol';

type MapData = Extract<WorkerResponse, { type: 'timbre:map:done' }>;

/** 16 distinguishable colours (Kelly's list, trimmed), one per GM family in order of appearance. */
const PALETTE = [
  '#be0032',
  '#f38400',
  '#875692',
  '#a1caf1',
  '#008856',
  '#e68fac',
  '#0067a5',
  '#f99379',
  '#604e97',
  '#f6a600',
  '#b3446c',
  '#dcd300',
  '#882d17',
  '#8db600',
  '#654522',
  '#2b3d26',
];
const SIZE = 360;
const PAD = 14;

export interface TimbreMapProps {
  pitch: number;
  sampleRate: number;
  ready: boolean;
  onUse(program: number, slot: 'a' | 'b' | 'c' | 'd'): void;
  onError(message: string): void;
}

export function TimbreMap({ pitch, sampleRate, ready, onUse, onError }: TimbreMapProps) {
  const call = useWorkerCall();
  const [map, setMap] = useState<MapData>();
  const [picked, setPicked] = useState<number>();
  const [hover, setHover] = useState<number>();
  const busy = useRef(false);

  const load = () => {
    call
      .run({ type: 'timbre:map' }, 'timbre:map:done')
      .then((r) => r && setMap(r))
      .catch((e: unknown) => onError(describeError(e)));
  };
  const hear = (i: number) => {
    setHover(i);
    const code = map?.codes[i];
    if (!code || busy.current) return;
    busy.current = true;
    request({ type: 'timbre:decode', codes: [code], pitch }, 'timbre:audio')
      .then((r) => (r.clips[0] ? playPcm(r.clips[0], sampleRate) : undefined))
      .catch((e: unknown) => onError(describeError(e)))
      .finally(() => {
        busy.current = false;
      });
  };

  if (!map)
    return (
      <section className="card timbre-map" aria-label="Map of the timbre space">
        <h2>Map of all sounds</h2>
        <p className="muted">Encode all 111 instruments of the set and see where the model puts them: similar sounds close together.</p>
        <button type="button" onClick={load} disabled={!ready || call.running} data-testid="map-load">
          Show the map
        </button>
        {call.running && <ProgressBar label={call.progress?.label ?? 'Encoding…'} fraction={call.progress?.fraction} />}
      </section>
    );

  const xs = map.points.map((p) => p[0]);
  const ys = map.points.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const sx = (v: number) => PAD + ((v - x0) / (x1 - x0 || 1)) * (SIZE - 2 * PAD);
  const sy = (v: number) => SIZE - PAD - ((v - y0) / (y1 - y0 || 1)) * (SIZE - 2 * PAD);
  const families = [...new Set(map.families)];
  const colourOf = (f: string) => PALETTE[families.indexOf(f) % PALETTE.length] ?? '#888';
  const shown = picked ?? hover;

  return (
    <section className="card timbre-map" aria-label="Map of the timbre space" data-testid="timbre-map" data-points={map.points.length}>
      <h2>Map of all sounds</h2>
      <p className="muted small">
        {map.points.length} instruments; the two axes hold {Math.round(map.explained * 100)}% of how their codes vary. Hover to hear, click to use.
      </p>
      <div className="map-layout">
        <svg viewBox={`0 0 ${SIZE} ${SIZE}`} width={SIZE} height={SIZE} role="img" aria-label="Scatter plot of the instruments' codes, coloured by family">
          {map.points.map((p, i) => (
            <circle
              key={i}
              cx={sx(p[0])}
              cy={sy(p[1])}
              r={i === shown ? 7 : 5}
              fill={colourOf(map.families[i] ?? '')}
              stroke={i === picked ? 'currentColor' : 'none'}
              strokeWidth={2}
              onPointerEnter={() => hear(i)}
              onClick={() => setPicked(i)}
              data-testid="map-point"
            >
              <title>{`${map.programNames[i]} (${map.families[i]})`}</title>
            </circle>
          ))}
        </svg>
        <div>
          <ul className="legend small">
            {families.map((f) => (
              <li key={f}>
                <span className="swatch" style={{ background: colourOf(f) }} /> {f}
              </li>
            ))}
          </ul>
          {shown !== undefined && (
            <p data-testid="map-shown">
              <strong>{map.programNames[shown]}</strong> ({map.families[shown]})
            </p>
          )}
          {picked !== undefined && (
            <div className="controls">
              {(['a', 'b', 'c', 'd'] as const).map((slot) => (
                <button key={slot} type="button" onClick={() => onUse(map.programs[picked] ?? 0, slot)} data-testid={`map-use-${slot}`}>
                  Use as {slot.toUpperCase()}
                </button>
              ))}
            </div>
          )}
        </div>
      </div>
    </section>
  );
}
