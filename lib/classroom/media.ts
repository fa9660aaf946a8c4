/**
 * Checks the bytes of an entry before anything is stored: a MIDI file must parse (lib/music's
 * hardened reader on top of @tonejs/midi) and hold notes; a PNG must have the PNG signature, a sane
 * IHDR and decode completely (fast-png, CRCs checked). Every refusal says what is wrong.
 */
import { decode as decodePng } from 'fast-png';
import { parseMidi } from '../music/midi';
import { secondsToQuarters } from '../music/sequences';
import { LIMITS } from './schema';

/** Why bytes were refused: `too_large` maps to HTTP 413, `invalid` to 422. */
export class MediaError extends Error {
  readonly reason: 'too_large' | 'invalid';
  constructor(reason: 'too_large' | 'invalid', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MediaError';
    this.reason = reason;
  }
}

/** Bytes from base64 text (already checked to use the base64 alphabet). */
export function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Exact decoded size of base64 text, without decoding it. */
export function base64Bytes(text: string): number {
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return Math.floor((text.length * 3) / 4) - pad;
}

export interface MidiSummary {
  notes: number;
  drumNotes: number;
  seconds: number;
  /** Length in beats (quarter notes), following the file's tempo map. */
  quarters: number;
}

/**
 * Parses a Standard MIDI File of at most {@link LIMITS.midiBytes} bytes. Throws {@link MediaError}
 * when it is too large, damaged or empty.
 */
export function checkMidi(bytes: Uint8Array): MidiSummary {
  if (bytes.byteLength > LIMITS.midiBytes) {
    throw new MediaError('too_large', `The MIDI file is ${(bytes.byteLength / 1024).toFixed(0)} KB; entries may be at most ${LIMITS.midiBytes / 1024} KB.`);
  }
  checkMidiChunks(bytes);
  try {
    const midi = parseMidi(bytes, 'The MIDI file');
    const drumNotes = midi.sequence.notes.filter((n) => n.isDrum).length;
    const tempos = [...midi.sequence.tempos].sort((a, b) => a.time - b.time);
    return { notes: midi.sequence.notes.length, drumNotes, seconds: midi.durationSeconds, quarters: secondsToQuarters(midi.durationSeconds, tempos) };
  } catch (error) {
    throw new MediaError('invalid', error instanceof Error ? error.message : 'The MIDI file cannot be read.', { cause: error });
  }
}

/**
 * Walks the file's chunk structure: an `MThd` header of 6 bytes, then as many `MTrk` chunks as it
 * announces, each fully present. Parsers forgive a cut-off last track; a submitted file must not be.
 */
function checkMidiChunks(bytes: Uint8Array): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.byteLength < 14 || tag(0) !== 'MThd' || view.getUint32(4) < 6) {
    throw new MediaError('invalid', 'The file is not a Standard MIDI File (it does not start with an "MThd" header).');
  }
  const announced = view.getUint16(10);
  let at = 8 + view.getUint32(4);
  let tracks = 0;
  while (at < bytes.byteLength) {
    if (at + 8 > bytes.byteLength) throw new MediaError('invalid', 'The MIDI file is truncated: it ends inside a chunk header.');
    const length = view.getUint32(at + 4);
    if (at + 8 + length > bytes.byteLength) {
      throw new MediaError('invalid', `The MIDI file is truncated: a ${tag(at)} chunk announces ${length} bytes but only ${bytes.byteLength - at - 8} follow.`);
    }
    if (tag(at) === 'MTrk') tracks++;
    at += 8 + length;
  }
  if (tracks !== announced) throw new MediaError('invalid', `The MIDI file announces ${announced} track(s) but holds ${tracks}.`);
}

export interface PngSummary {
  width: number;
  height: number;
  channels: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Checks a PNG of at most {@link LIMITS.pngBytes} bytes: signature, an IHDR chunk first with a
 * size up to {@link LIMITS.pngSide} pixels a side (read before decoding, so a tiny file cannot
 * claim a gigapixel image), then a full decode with CRC checks.
 */
export function checkPng(bytes: Uint8Array): PngSummary {
  if (bytes.byteLength > LIMITS.pngBytes) {
    throw new MediaError('too_large', `The PNG is ${(bytes.byteLength / 1024).toFixed(0)} KB; entries may be at most ${LIMITS.pngBytes / 1024} KB.`);
  }
  if (bytes.byteLength < 33 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) {
    throw new MediaError('invalid', 'The image is not a PNG file (it does not start with the PNG signature).');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ihdrLength = view.getUint32(8);
  const ihdrType = String.fromCharCode(...bytes.subarray(12, 16));
  if (ihdrType !== 'IHDR' || ihdrLength !== 13) throw new MediaError('invalid', 'The PNG is damaged: its first chunk is not a 13-byte IHDR header.');
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width < 1 || height < 1 || width > LIMITS.pngSide || height > LIMITS.pngSide) {
    throw new MediaError('invalid', `The PNG is ${width}×${height} pixels; entries may be 1 to ${LIMITS.pngSide} pixels a side.`);
  }
  try {
    const png = decodePng(bytes, { checkCrc: true });
    if (png.width !== width || png.height !== height) throw new Error('decoded size differs from the header');
    const expected = width * height * png.channels;
    if (png.data.length < expected) throw new Error(`only ${png.data.length} of ${expected} pixel values decoded`);
    return { width, height, channels: png.channels };
  } catch (error) {
    throw new MediaError('invalid', `The PNG is damaged and cannot be decoded (${error instanceof Error ? error.message : String(error)}).`, { cause: error });
  }
}
