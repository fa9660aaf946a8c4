'use client';
/** Draws a grey image (values 0..1, row-major) on a canvas, scaled up with crisp pixels. */
import { useEffect, useRef } from 'react';
import { IMAGE_SIZE } from '@/lib/image/specs';

export interface DigitCanvasProps {
  pixels: Float32Array;
  /** Side in pixels of the image (IMAGE_SIZE, or 14 and 7 for small inputs). */
  size?: number;
  /** Displayed side in CSS pixels. */
  display?: number;
  title?: string;
  testId?: string;
  onClick?: () => void;
  selected?: boolean;
}

export function DigitCanvas({ pixels, size = IMAGE_SIZE, display = 56, title, testId, onClick, selected }: DigitCanvasProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const img = ctx.createImageData(size, size);
    for (let i = 0; i < size * size; i++) {
      const v = Math.round(255 * Math.min(1, Math.max(0, pixels[i] ?? 0)));
      img.data[i * 4] = v;
      img.data[i * 4 + 1] = v;
      img.data[i * 4 + 2] = v;
      img.data[i * 4 + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [pixels, size]);
  const canvas = (
    <canvas
      ref={ref}
      width={size}
      height={size}
      className={`digit${selected ? ' digit-selected' : ''}`}
      style={{ width: display, height: display }}
      title={title}
      aria-label={title}
      role="img"
      data-testid={onClick ? undefined : testId}
    />
  );
  if (!onClick) return canvas;
  return (
    <button type="button" className="digit-button" onClick={onClick} title={title} data-testid={testId} aria-pressed={selected}>
      {canvas}
    </button>
  );
}

/** The `i`-th image of a batch of `size × size` images. */
export function imageAt(images: Float32Array, i: number, size = IMAGE_SIZE): Float32Array {
  return images.subarray(i * size * size, (i + 1) * size * size);
}
