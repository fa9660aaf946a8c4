'use client';
/**
 * A sound as a spectrogram (time across, pitch up on the mel scale, loudness as colour, 80 dB of
 * range), drawn on a canvas from its samples: what makes a flute differ from a trumpet at the same
 * pitch is visible as the stack of bright lines (harmonics) and the haze between them (noise).
 */
import { memo, useEffect, useRef } from 'react';
import { melFilterbank, stftMagnitude } from '@/lib/timbre/dsp';

export interface SpectrogramProps {
  samples: Float32Array;
  sampleRate: number;
  title: string;
  width?: number;
  height?: number;
  testId?: string;
}

const FFT = 512;
const BANDS = 64;
const RANGE_DB = 80;

/** Viridis-like colour for 0..1 (dark blue → green → yellow). */
function colour(t: number): [number, number, number] {
  const stops: [number, number, number][] = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  const x = Math.max(0, Math.min(1, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i] ?? [0, 0, 0];
  const b = stops[i + 1] ?? a;
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

export const Spectrogram = memo(function Spectrogram({ samples, sampleRate, title, width = 160, height = 64, testId }: SpectrogramProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || samples.length === 0) return;
    const hop = Math.max(64, Math.floor(samples.length / width));
    const spec = stftMagnitude(samples, FFT, hop);
    const bank = melFilterbank(FFT, BANDS, sampleRate);
    const mel = new Float32Array(spec.frames * BANDS);
    let peak = -Infinity;
    for (let f = 0; f < spec.frames; f++) {
      for (let b = 0; b < BANDS; b++) {
        let e = 0;
        for (let k = 0; k < spec.bins; k++) e += (bank[b * spec.bins + k] ?? 0) * (spec.data[f * spec.bins + k] ?? 0);
        const db = 20 * Math.log10(e + 1e-9);
        mel[f * BANDS + b] = db;
        if (db > peak) peak = db;
      }
    }
    const image = ctx.createImageData(spec.frames, BANDS);
    for (let f = 0; f < spec.frames; f++) {
      for (let b = 0; b < BANDS; b++) {
        const [r, g, bl] = colour(((mel[f * BANDS + b] ?? -Infinity) - (peak - RANGE_DB)) / RANGE_DB);
        const o = ((BANDS - 1 - b) * spec.frames + f) * 4;
        image.data[o] = r;
        image.data[o + 1] = g;
        image.data[o + 2] = bl;
        image.data[o + 3] = 255;
      }
    }
    const off = new OffscreenCanvas(spec.frames, BANDS);
    off.getContext('2d')?.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.clearRect(0, 0, width, height);
    ctx.drawImage(off, 0, 0, width, height);
  }, [samples, sampleRate, width, height]);
  return <canvas ref={ref} width={width} height={height} className="spectrogram" role="img" aria-label={title} title={title} data-testid={testId} />;
});
