/**
 * Hostile entries for tests and the benchmark's attacker: the worst files the limits used to let
 * through (a MIDI file full of controller events, PNG "zip bombs", a palette PNG without its
 * palette) and the worst ones they still allow. Built byte by byte, never canned.
 */
import { deflateSync } from 'node:zlib';
import { crc32 } from '../crc32';
import { LIMITS } from '../schema';

/** A one-track MIDI file: one note, then `controllers` controller events (running status, 3 bytes each). */
export function controllerFloodMidi(controllers: number, notes = 1): Uint8Array {
  const body: number[] = [];
  for (let i = 0; i < notes; i++) body.push(0, 0x90, 60 + (i % 12), 100, 1, 0x80, 60 + (i % 12), 0);
  if (controllers > 0) {
    body.push(0, 0xb0, 7, 100);
    for (let i = 1; i < controllers; i++) body.push(0, 7, i % 128);
  }
  body.push(0, 0xff, 0x2f, 0);
  const len = body.length;
  return Uint8Array.from([
    ...[0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1, 0, 96],
    ...[0x4d, 0x54, 0x72, 0x6b, (len >>> 24) & 255, (len >>> 16) & 255, (len >>> 8) & 255, len & 255],
    ...body,
  ]);
}

/** The busiest MIDI file an entry may be: the most notes and other events the server takes. */
export function worstAllowedMidi(): Uint8Array {
  return controllerFloodMidi(LIMITS.midiOtherEvents - 2, LIMITS.midiNoteOns);
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** A PNG from its parts: IHDR fields, optional extra chunks before IDAT, and the raw (filtered) image data to deflate. */
export function buildPng(o: { width: number; height: number; depth?: number; colour?: number; before?: [string, Uint8Array][]; raw: Uint8Array }): Uint8Array {
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, o.width);
  v.setUint32(4, o.height);
  ihdr.set([o.depth ?? 8, o.colour ?? 0, 0, 0, 0], 8);
  const parts = [
    Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...(o.before ?? []).map(([t, d]) => chunk(t, d)),
    chunk('IDAT', new Uint8Array(deflateSync(o.raw, { level: 9 }))),
    chunk('IEND', new Uint8Array()),
  ];
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A 28×28 grey PNG whose image data inflates to `mb` megabytes (the old checker decoded it all). */
export function pngBomb(mb = 62): Uint8Array {
  return buildPng({ width: 28, height: 28, raw: new Uint8Array(mb * 1024 * 1024) });
}

/** A 28×28 PNG with an `iCCP` colour profile that inflates to `mb` megabytes. */
export function iccpBomb(mb = 62): Uint8Array {
  const profile = deflateSync(new Uint8Array(mb * 1024 * 1024), { level: 9 });
  const data = new Uint8Array(6 + profile.length);
  data.set(new TextEncoder().encode('bomb'), 0); // name, NUL, compression method 0
  data.set(profile, 6);
  return buildPng({ width: 28, height: 28, before: [['iCCP', data]], raw: new Uint8Array(28 * 29) });
}

/** A palette (indexed-colour) PNG without its PLTE chunk. */
export function paletteWithoutPlte(): Uint8Array {
  return buildPng({ width: 28, height: 28, colour: 3, raw: new Uint8Array(28 * 29) });
}

/** The same with its palette (valid). */
export function paletteWithPlte(): Uint8Array {
  return buildPng({ width: 28, height: 28, colour: 3, before: [['PLTE', Uint8Array.from([0, 0, 0, 255, 255, 255])]], raw: new Uint8Array(28 * 29) });
}

/** The costliest PNG an entry may be: the largest side, 16-bit RGBA, whose data inflates exactly to its size. */
export function worstAllowedPng(side = 256): Uint8Array {
  const row = 1 + side * 8;
  return buildPng({ width: side, height: side, depth: 16, colour: 6, raw: new Uint8Array(row * side) });
}
