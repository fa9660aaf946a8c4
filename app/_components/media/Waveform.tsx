'use client';
/** A sound as a learner sees it at a glance: its waveform's envelope (peak per column), drawn on a canvas. */
import { useEffect, useRef } from 'react';

export interface WaveformProps {
  samples: Float32Array;
  width?: number;
  height?: number;
  title: string;
  testId?: string;
}

export function Waveform({ samples, width = 160, height = 48, title, testId }: WaveformProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, width, height);
    ctx.fillStyle = getComputedStyle(ref.current as HTMLCanvasElement).color || '#3b2f8f';
    const per = Math.max(1, Math.floor(samples.length / width));
    let peak = 1e-9;
    for (let i = 0; i < samples.length; i++) peak = Math.max(peak, Math.abs(samples[i] ?? 0));
    for (let x = 0; x < width; x++) {
      let lo = 0;
      let hi = 0;
      for (let i = x * per; i < Math.min(samples.length, (x + 1) * per); i++) {
        const v = (samples[i] ?? 0) / peak;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      const top = (0.5 - hi / 2) * height;
      ctx.fillRect(x, top, 1, Math.max(1, ((hi - lo) / 2) * height));
    }
  }, [samples, width, height]);
  return <canvas ref={ref} width={width} height={height} className="waveform" role="img" aria-label={title} title={title} data-testid={testId} />;
}
