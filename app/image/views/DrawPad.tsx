'use client';
import { useEffect, useRef } from 'react';

/** A square drawing pad: white ink on black, like MNIST. Sends the ink while drawing (throttled). */
export function DrawPad({ onInk, onClear }: { onInk: (ink: Float32Array, w: number, h: number) => Promise<void>; onClear: () => void }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const last = useRef<{ x: number; y: number } | undefined>(undefined);
  const inFlight = useRef(false);
  const pending = useRef(false);
  const size = 196;
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (ctx) {
      ctx.fillStyle = 'black';
      ctx.fillRect(0, 0, size, size);
    }
  }, []);
  const send = () => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    if (inFlight.current) {
      pending.current = true;
      return;
    }
    const img = ctx.getImageData(0, 0, size, size);
    const ink = new Float32Array(size * size);
    for (let i = 0; i < ink.length; i++) ink[i] = (img.data[i * 4] ?? 0) / 255;
    inFlight.current = true;
    void onInk(ink, size, size).finally(() => {
      inFlight.current = false;
      if (pending.current) {
        pending.current = false;
        send();
      }
    });
  };
  const point = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * size, y: ((e.clientY - r.top) / r.height) * size };
  };
  const stroke = (to: { x: number; y: number }) => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const from = last.current ?? to;
    ctx.strokeStyle = 'white';
    ctx.lineWidth = 14;
    ctx.lineCap = 'round';
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
    last.current = to;
  };
  return (
    <div className="draw-pad">
      <canvas
        ref={ref}
        width={size}
        height={size}
        data-testid="draw-pad"
        aria-label="Drawing pad: draw a digit with the mouse or a finger"
        style={{ touchAction: 'none' }}
        onPointerDown={(e) => {
          drawing.current = true;
          last.current = undefined;
          e.currentTarget.setPointerCapture(e.pointerId);
          stroke(point(e));
          send();
        }}
        onPointerMove={(e) => {
          if (!drawing.current) return;
          stroke(point(e));
          send();
        }}
        onPointerUp={() => {
          drawing.current = false;
          send();
        }}
      />
      <button
        type="button"
        onClick={() => {
          const ctx = ref.current?.getContext('2d');
          if (ctx) ctx.fillRect(0, 0, size, size);
          onClear();
        }}
      >
        Clear pad
      </button>
    </div>
  );
}
