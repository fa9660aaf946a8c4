/**
 * Checks the bytes of an entry before anything is stored, cheaply and with bounded memory, since
 * any student may send the worst file the limits allow:
 * - MIDI: the chunk structure, then every event of every track is counted by a linear scan of the
 *   bytes (no objects made) and the file is refused above {@link MIDI_LIMITS} before the real
 *   parser (lib/music's hardened reader on top of @tonejs/midi, whose cost grows with events) sees
 *   it: no allowed file blocks the server for long.
 * - PNG: the signature and every chunk (length, CRC), an IHDR with a valid bit depth and colour
 *   type and at most {@link LIMITS.pngSide} pixels a side, a PLTE where the colour type requires
 *   one (and none where it forbids one), a bounded number and size of ancillary chunks (never
 *   inflated), and the image data inflated with a hard output bound equal to the size the header
 *   declares (a "zip bomb" stops at that bound), which must then match exactly, with a valid
 *   filter byte on every row.
 * - WAV: `RIFF…WAVE` whose RIFF size is the file's, then every chunk header (a printable name, a
 *   size that fits in what follows; each step moves forward by at least 8 bytes and at most
 *   {@link WAV_OTHER_CHUNK_LIMITS} chunks besides `fmt ` and `data` are allowed, so the walk cannot
 *   run past the end or loop), one `fmt ` (16-bit PCM, 1–2 channels, {@link LIMITS.wavSampleRate}
 *   Hz, consistent block align and byte rate) before one `data` chunk of whole sample frames, and a
 *   length within {@link LIMITS.wavSeconds}; at most {@link LIMITS.wavBytes} bytes in all. The
 *   samples are scanned once for the peak (a silent entry is refused by its entry kind).
 * Every refusal says what is wrong. Server-only (node:zlib).
 */
import 'server-only';
import { inflateSync } from 'node:zlib';
import { parseMidi } from '../music/midi';
import { secondsToQuarters } from '../music/sequences';
import type { MidiSummary, PngSummary, WavSummary } from './challenges';
import { crc32 } from './crc32';
import { LIMITS } from './schema';
import { count } from '../core/text';

export { crc32 } from './crc32';

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

// ------------------------------------------------------------------------------------------ MIDI

/** The most an entry's MIDI file may hold (see LIMITS in schema.ts). */
export const MIDI_LIMITS = { noteOns: LIMITS.midiNoteOns, otherEvents: LIMITS.midiOtherEvents } as const;

/** Reads a variable-length quantity at `at`; returns [value, next position] or undefined if cut off. */
function varint(b: Uint8Array, at: number, end: number): [number, number] | undefined {
  let v = 0;
  for (let i = 0; i < 4; i++) {
    if (at >= end) return undefined;
    const byte = b[at++] ?? 0;
    v = (v << 7) | (byte & 0x7f);
    if ((byte & 0x80) === 0) return [v, at];
  }
  return undefined;
}

/** Counts the note-ons and other events of one track's bytes `[at, end)`; throws MediaError when damaged or over the limits. */
function countTrack(b: Uint8Array, at: number, end: number, counts: { noteOns: number; other: number }): void {
  let running = 0;
  while (at < end) {
    const delta = varint(b, at, end);
    if (!delta) throw new MediaError('invalid', 'The MIDI file is damaged: an event time runs past the end of its track.');
    at = delta[1];
    let status = b[at] ?? 0;
    if (status & 0x80) {
      at++;
      running = status < 0xf0 ? status : 0;
    } else {
      if (!running) throw new MediaError('invalid', 'The MIDI file is damaged: a data byte appears where an event should start.');
      status = running;
    }
    if (status === 0xff || status === 0xf0 || status === 0xf7) {
      if (status === 0xff) at++; // meta type
      const len = varint(b, at, end);
      if (!len || len[1] + len[0] > end) throw new MediaError('invalid', 'The MIDI file is damaged: an event runs past the end of its track.');
      at = len[1] + len[0];
      counts.other++;
    } else {
      const kind = status & 0xf0;
      const size = kind === 0xc0 || kind === 0xd0 ? 1 : 2;
      if (at + size > end) throw new MediaError('invalid', 'The MIDI file is damaged: an event runs past the end of its track.');
      if (kind === 0x90 && (b[at + 1] ?? 0) > 0) counts.noteOns++;
      else if (kind !== 0x80 && kind !== 0x90) counts.other++;
      at += size;
    }
    if (counts.noteOns > MIDI_LIMITS.noteOns)
      throw new MediaError('invalid', `The MIDI file has more than ${MIDI_LIMITS.noteOns} notes; an entry holds at most that many.`);
    if (counts.other > MIDI_LIMITS.otherEvents)
      throw new MediaError(
        'invalid',
        `The MIDI file has more than ${MIDI_LIMITS.otherEvents} events besides notes (controllers, meta events…); the labs write a few dozen. Export it from the lab.`,
      );
  }
}

/**
 * Walks the file's chunk structure (an `MThd` header, then as many `MTrk` chunks as it announces,
 * each fully present: parsers forgive a cut-off last track; a submitted file must not be) and
 * counts the events of every track against {@link MIDI_LIMITS}.
 */
function scanMidi(bytes: Uint8Array): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.byteLength < 14 || tag(0) !== 'MThd' || view.getUint32(4) < 6) {
    throw new MediaError('invalid', 'The file is not a Standard MIDI File (it does not start with an "MThd" header).');
  }
  const announced = view.getUint16(10);
  let at = 8 + view.getUint32(4);
  let tracks = 0;
  const counts = { noteOns: 0, other: 0 };
  while (at < bytes.byteLength) {
    if (at + 8 > bytes.byteLength) throw new MediaError('invalid', 'The MIDI file is truncated: it ends inside a chunk header.');
    const length = view.getUint32(at + 4);
    if (at + 8 + length > bytes.byteLength) {
      throw new MediaError('invalid', `The MIDI file is truncated: a ${tag(at)} chunk announces ${length} bytes but only ${bytes.byteLength - at - 8} follow.`);
    }
    if (tag(at) === 'MTrk') {
      tracks++;
      countTrack(bytes, at + 8, at + 8 + length, counts);
    }
    at += 8 + length;
  }
  if (tracks !== announced) throw new MediaError('invalid', `The MIDI file announces ${count(announced, 'track')} but holds ${tracks}.`);
}

/**
 * Parses a Standard MIDI File of at most {@link LIMITS.midiBytes} bytes and {@link MIDI_LIMITS}
 * events. Throws {@link MediaError} when it is too large, damaged, too busy or empty.
 */
export function checkMidi(bytes: Uint8Array): MidiSummary {
  if (bytes.byteLength > LIMITS.midiBytes) {
    throw new MediaError('too_large', `The MIDI file is ${(bytes.byteLength / 1024).toFixed(0)} KB; entries may be at most ${LIMITS.midiBytes / 1024} KB.`);
  }
  scanMidi(bytes);
  try {
    const midi = parseMidi(bytes, 'The MIDI file');
    const drumNotes = midi.sequence.notes.filter((n) => n.isDrum).length;
    const tempos = [...midi.sequence.tempos].sort((a, b) => a.time - b.time);
    return { notes: midi.sequence.notes.length, drumNotes, seconds: midi.durationSeconds, quarters: secondsToQuarters(midi.durationSeconds, tempos) };
  } catch (error) {
    throw new MediaError('invalid', error instanceof Error ? error.message : 'The MIDI file cannot be read.', { cause: error });
  }
}

// ------------------------------------------------------------------------------------------- PNG

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Ancillary chunks (anything but IHDR, PLTE, IDAT, IEND) an entry may carry: count and total bytes. */
export const PNG_ANCILLARY_LIMITS = { count: 16, bytes: 4096 } as const;

/** Allowed bit depths per colour type, and channels per pixel (PNG spec, table 11.1). */
const COLOUR_TYPES: Record<number, { depths: number[]; channels: number; name: string }> = {
  0: { depths: [1, 2, 4, 8, 16], channels: 1, name: 'greyscale' },
  2: { depths: [8, 16], channels: 3, name: 'truecolour' },
  3: { depths: [1, 2, 4, 8], channels: 1, name: 'indexed-colour' },
  4: { depths: [8, 16], channels: 2, name: 'greyscale with alpha' },
  6: { depths: [8, 16], channels: 4, name: 'truecolour with alpha' },
};

/** Bytes of filtered image data the header declares: every row with its filter byte (and each Adam7 pass's rows). */
function declaredDataBytes(width: number, height: number, bitsPerPixel: number, interlaced: boolean): { total: number; rows: number[] } {
  const rowBytes = (w: number) => 1 + Math.ceil((w * bitsPerPixel) / 8);
  if (!interlaced) return { total: height * rowBytes(width), rows: Array<number>(height).fill(rowBytes(width)) };
  const passes: [number, number, number, number][] = [
    [0, 0, 8, 8],
    [4, 0, 8, 8],
    [0, 4, 4, 8],
    [2, 0, 4, 4],
    [0, 2, 2, 4],
    [1, 0, 2, 2],
    [0, 1, 1, 2],
  ];
  const rows: number[] = [];
  for (const [x0, y0, dx, dy] of passes) {
    const w = Math.ceil((width - x0) / dx);
    const h = Math.ceil((height - y0) / dy);
    if (w > 0 && h > 0) for (let i = 0; i < h; i++) rows.push(rowBytes(w));
  }
  return { total: rows.reduce((a, b) => a + b, 0), rows };
}

/** Checks a PNG of at most {@link LIMITS.pngBytes} bytes (see the module comment); throws {@link MediaError}. */
export function checkPng(bytes: Uint8Array): PngSummary {
  if (bytes.byteLength > LIMITS.pngBytes) {
    throw new MediaError('too_large', `The PNG is ${(bytes.byteLength / 1024).toFixed(0)} KB; entries may be at most ${LIMITS.pngBytes / 1024} KB.`);
  }
  if (bytes.byteLength < 33 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) {
    throw new MediaError('invalid', 'The image is not a PNG file (it does not start with the PNG signature).');
  }
  const bad = (what: string) => new MediaError('invalid', `The PNG is damaged or not allowed: ${what}.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  let header: { width: number; height: number; depth: number; colour: number; interlaced: boolean } | undefined;
  let palette = 0;
  let sawData = false;
  let dataDone = false;
  let ended = false;
  const data: Uint8Array[] = [];
  const ancillary = { count: 0, bytes: 0 };
  while (at < bytes.byteLength) {
    if (ended) throw bad('bytes follow the IEND chunk');
    if (at + 12 > bytes.byteLength) throw bad('it ends inside a chunk');
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (!/^[A-Za-z]{4}$/.test(type)) throw bad('a chunk has no valid type');
    if (length > bytes.byteLength - at - 12) throw bad(`a ${type} chunk announces ${length} bytes, more than the file holds`);
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) !== view.getUint32(at + 8 + length)) throw bad(`the ${type} chunk's CRC does not match`);
    if (!header && type !== 'IHDR') throw bad('the first chunk is not IHDR');
    if (sawData && type !== 'IDAT') dataDone = true;
    switch (type) {
      case 'IHDR': {
        if (header || length !== 13) throw bad('IHDR must come once, first, with 13 bytes');
        const width = view.getUint32(at + 8);
        const height = view.getUint32(at + 12);
        const [depth = 0, colour = 0, compression, filter, interlace] = body.subarray(8, 13);
        if (width < 1 || height < 1 || width > LIMITS.pngSide || height > LIMITS.pngSide) {
          throw new MediaError('invalid', `The PNG is ${width}×${height} pixels; entries may be 1 to ${LIMITS.pngSide} pixels a side.`);
        }
        const ct = COLOUR_TYPES[colour];
        if (!ct || !ct.depths.includes(depth)) throw bad(`colour type ${colour} with bit depth ${depth} is not a PNG combination`);
        if (compression !== 0 || filter !== 0 || (interlace !== 0 && interlace !== 1)) throw bad('unknown compression, filter or interlace method');
        header = { width, height, depth, colour, interlaced: interlace === 1 };
        break;
      }
      case 'PLTE':
        if (palette || sawData) throw bad('PLTE must come once, before the image data');
        if (length === 0 || length % 3 !== 0) throw bad('the palette is not a whole number of RGB entries');
        palette = length / 3;
        if (header?.colour === 0 || header?.colour === 4) throw bad(`a ${COLOUR_TYPES[header.colour]?.name} image may not have a palette`);
        if (palette > 256 || (header?.colour === 3 && palette > 2 ** header.depth))
          throw bad(`the palette has ${palette} entries, more than the bit depth allows`);
        break;
      case 'IDAT':
        if (dataDone) throw bad('the image data is split by other chunks');
        if (header?.colour === 3 && !palette) throw bad('an indexed-colour image needs its PLTE palette before the image data');
        sawData = true;
        data.push(body);
        break;
      case 'IEND':
        ended = true;
        break;
      default:
        // Ancillary chunks (lower-case first letter) are kept but never inflated; unknown critical ones are refused.
        if (type.charCodeAt(0) < 97) throw bad(`unknown critical chunk ${type}`);
        ancillary.count++;
        ancillary.bytes += length;
        if (ancillary.count > PNG_ANCILLARY_LIMITS.count || ancillary.bytes > PNG_ANCILLARY_LIMITS.bytes)
          throw bad(`more than ${PNG_ANCILLARY_LIMITS.count} ancillary chunks or ${PNG_ANCILLARY_LIMITS.bytes} bytes of them (such as ${type})`);
    }
    at += 12 + length;
  }
  if (!header || !ended) throw bad('it has no IEND chunk (truncated)');
  if (data.length === 0) throw bad('it has no image data');
  const ct = COLOUR_TYPES[header.colour] ?? { channels: 1 };
  const { total, rows } = declaredDataBytes(header.width, header.height, ct.channels * header.depth, header.interlaced);
  let raw: Buffer;
  try {
    // Never more than the declared image: a bomb stops here with ERR_BUFFER_TOO_LARGE.
    raw = inflateSync(Buffer.concat(data), { maxOutputLength: total });
  } catch (error) {
    const tooBig = (error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE';
    throw new MediaError(
      'invalid',
      tooBig
        ? `The PNG's image data inflates to more than its ${header.width}×${header.height} pixels.`
        : 'The PNG is damaged: its image data cannot be inflated.',
      {
        cause: error,
      },
    );
  }
  if (raw.byteLength !== total) throw bad(`its image data holds ${raw.byteLength} bytes, not the ${total} its size needs`);
  let row = 0;
  for (const len of rows) {
    if ((raw[row] ?? 0) > 4) throw bad('a row has an unknown filter type');
    row += len;
  }
  return { width: header.width, height: header.height, channels: ct.channels };
}

// ------------------------------------------------------------------------------------------- WAV

/** Chunks besides `fmt ` and `data` (LIST, fact, …) a WAV entry may carry: count and total bytes (skipped, never read). */
export const WAV_OTHER_CHUNK_LIMITS = { count: 8, bytes: 4096 } as const;

/** The first four bytes as printable text, for messages. */
function printable(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + 4)).replace(/[^\x20-\x7e]/g, '?');
}

/** What the `fmt ` chunk says. */
interface WavFormat {
  tag: number;
  channels: number;
  sampleRate: number;
  byteRate: number;
  blockAlign: number;
  bits: number;
}

/** Walks the RIFF chunks (see the module comment); returns the format and where the samples are. Throws {@link MediaError}. */
function scanWav(bytes: Uint8Array): { fmt: WavFormat; data: { at: number; size: number } } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 12 || printable(bytes, 0) !== 'RIFF' || printable(bytes, 8) !== 'WAVE') {
    throw new MediaError(
      'invalid',
      `The file is not a WAV file: it starts with "${printable(bytes, 0)}" (${bytes.byteLength} bytes), not "RIFF…WAVE". Export the sound as a WAV from the timbre lab.`,
    );
  }
  const bad = (what: string) => new MediaError('invalid', `The WAV file is damaged or not allowed: ${what}.`);
  const riff = view.getUint32(4, true);
  if (riff + 8 !== bytes.byteLength) throw bad(`its RIFF header announces ${riff + 8} bytes but the file holds ${bytes.byteLength}`);
  let fmt: WavFormat | undefined;
  let data: { at: number; size: number } | undefined;
  const other = { count: 0, bytes: 0 };
  let at = 12;
  while (at < bytes.byteLength) {
    if (at + 8 > bytes.byteLength) throw bad('it ends inside a chunk header');
    const id = printable(bytes, at);
    if (String.fromCharCode(...bytes.subarray(at, at + 4)) !== id) throw bad('a chunk has no valid name');
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (size > bytes.byteLength - body) throw bad(`a "${id}" chunk announces ${size} bytes but only ${bytes.byteLength - body} follow`);
    if (id === 'fmt ') {
      if (data) throw bad('its "fmt " chunk comes after the "data" chunk');
      if (fmt) throw bad('it has two "fmt " chunks');
      if (size < 16 || size > 40) throw bad(`its "fmt " chunk has ${size} bytes, not 16–40`);
      fmt = {
        tag: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        byteRate: view.getUint32(body + 8, true),
        blockAlign: view.getUint16(body + 12, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!fmt) throw bad('its "data" chunk comes before the "fmt " chunk');
      if (data) throw bad('it has two "data" chunks');
      data = { at: body, size };
    } else {
      other.count++;
      other.bytes += size;
      if (other.count > WAV_OTHER_CHUNK_LIMITS.count || other.bytes > WAV_OTHER_CHUNK_LIMITS.bytes) {
        throw bad(
          `more than ${WAV_OTHER_CHUNK_LIMITS.count} chunks besides "fmt " and "data", or more than ${WAV_OTHER_CHUNK_LIMITS.bytes} bytes of them (such as "${id}")`,
        );
      }
    }
    // Odd sizes are followed by a pad byte (RIFF); every step moves at least 8 bytes on.
    at = body + size + (size % 2);
  }
  if (!fmt) throw bad('it has no "fmt " chunk');
  if (!data) throw new MediaError('invalid', 'The WAV file has no "data" chunk: it holds no sound.');
  return { fmt, data };
}

/**
 * Checks a WAV entry of at most {@link LIMITS.wavBytes} bytes (see the module comment): 16-bit PCM,
 * mono or stereo, {@link LIMITS.wavSampleRate} Hz, {@link LIMITS.wavSeconds} long. Throws {@link MediaError}.
 */
export function checkWav(bytes: Uint8Array): WavSummary {
  if (bytes.byteLength > LIMITS.wavBytes) {
    throw new MediaError('too_large', `The WAV file is ${(bytes.byteLength / 1024).toFixed(0)} KB; entries may be at most ${LIMITS.wavBytes / 1024} KB.`);
  }
  const { fmt, data } = scanWav(bytes);
  const accepted = 'entries are 16-bit PCM WAV files (format 1), mono or stereo, as the timbre lab exports them';
  if (fmt.tag !== 1) {
    const what = fmt.tag === 3 ? '32/64-bit float' : fmt.tag === 0xfffe ? 'in the extensible format (WAVE_FORMAT_EXTENSIBLE)' : `in format ${fmt.tag}`;
    throw new MediaError('invalid', `The WAV file's samples are ${what}; ${accepted}.`);
  }
  if (fmt.bits !== 16) throw new MediaError('invalid', `The WAV file has ${fmt.bits}-bit samples; ${accepted}.`);
  if (fmt.channels < 1 || fmt.channels > 2) throw new MediaError('invalid', `The WAV file has ${fmt.channels} channels; ${accepted}.`);
  const { min: r0, max: r1 } = LIMITS.wavSampleRate;
  if (fmt.sampleRate < r0 || fmt.sampleRate > r1) {
    throw new MediaError('invalid', `The WAV file's sample rate is ${fmt.sampleRate} Hz; entries have ${r0}–${r1} Hz (the timbre lab writes 16000).`);
  }
  const blockAlign = fmt.channels * 2;
  if (fmt.blockAlign !== blockAlign || fmt.byteRate !== fmt.sampleRate * blockAlign) {
    throw new MediaError(
      'invalid',
      `The WAV file is damaged: its "fmt " chunk says ${fmt.blockAlign} bytes per frame and ${fmt.byteRate} bytes a second, not ${blockAlign} and ${fmt.sampleRate * blockAlign}.`,
    );
  }
  if (data.size % blockAlign !== 0)
    throw new MediaError('invalid', `The WAV file is damaged: its ${data.size} bytes of samples are not whole frames of ${blockAlign} bytes.`);
  const frames = data.size / blockAlign;
  const seconds = frames / fmt.sampleRate;
  const { min: s0, max: s1 } = LIMITS.wavSeconds;
  if (seconds < s0 || seconds > s1) throw new MediaError('invalid', `The WAV file lasts ${seconds.toFixed(2)} s; entries last ${s0}–${s1} s.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + data.at, data.size);
  let peak = 0;
  for (let i = 0; i < data.size; i += 2) peak = Math.max(peak, Math.abs(view.getInt16(i, true)));
  return { sampleRate: fmt.sampleRate, channels: fmt.channels, bitsPerSample: 16, frames, seconds, peak: peak / 32768 };
}
