/**
 * What a file is, from its first bytes (never from its name): so a MIDI file renamed `.wav`, a
 * picture or a text file gets a message that says what it really is. Pure; runs anywhere.
 */
import { AudioFormatError } from './errors';

/** Formats recognised. The first four are decoded everywhere; the rest only where a browser can. */
export type SniffedFormat = 'wav' | 'flac' | 'mp3' | 'ogg-vorbis' | 'ogg-opus' | 'ogg' | 'm4a' | 'webm' | 'aiff' | 'midi' | 'empty' | 'unknown';

/** Formats the Node decoder reads (decode.ts). */
export const NODE_AUDIO_FORMATS = ['wav', 'flac', 'mp3', 'ogg-vorbis'] as const;
export type NodeAudioFormat = (typeof NODE_AUDIO_FORMATS)[number];
/** File name endings the command-line tools pick up from a folder (the files' bytes still decide the format). */
export const NODE_AUDIO_EXTENSIONS = ['.wav', '.wave', '.flac', '.mp3', '.ogg', '.oga'] as const;

/** What people call each format in messages. */
export const FORMAT_NAMES: Record<SniffedFormat, string> = {
  wav: 'a WAV file',
  flac: 'a FLAC file',
  mp3: 'an MP3 file',
  'ogg-vorbis': 'an Ogg Vorbis file',
  'ogg-opus': 'an Ogg Opus file',
  ogg: 'an Ogg file',
  m4a: 'an MP4/M4A file',
  webm: 'a WebM file',
  aiff: 'an AIFF file',
  midi: 'a MIDI file',
  empty: 'an empty file',
  unknown: 'not a recognised audio file',
};

function ascii(bytes: Uint8Array, start: number, length: number): string {
  let s = '';
  for (let i = start; i < Math.min(bytes.length, start + length); i++) s += String.fromCharCode(bytes[i] ?? 0);
  return s;
}

function indexOfAscii(bytes: Uint8Array, text: string, limit: number): number {
  const end = Math.min(bytes.length, limit) - text.length;
  outer: for (let i = 0; i <= end; i++) {
    for (let k = 0; k < text.length; k++) if (bytes[i + k] !== text.charCodeAt(k)) continue outer;
    return i;
  }
  return -1;
}

/** Size of an ID3v2 tag at the start (0 when none): MP3 and some FLAC files begin with one. */
export function id3Size(bytes: Uint8Array): number {
  if (ascii(bytes, 0, 3) !== 'ID3' || bytes.length < 10) return 0;
  const size = (((bytes[6] ?? 0) & 0x7f) << 21) | (((bytes[7] ?? 0) & 0x7f) << 14) | (((bytes[8] ?? 0) & 0x7f) << 7) | ((bytes[9] ?? 0) & 0x7f);
  return 10 + size + ((bytes[5] ?? 0) & 0x10 ? 10 : 0);
}

/** True when the two bytes at `i` are an MPEG audio frame header (sync, a layer, a bitrate and rate). */
function isMpegFrame(bytes: Uint8Array, i: number): boolean {
  const b1 = bytes[i + 1] ?? 0;
  const b2 = bytes[i + 2] ?? 0;
  return bytes[i] === 0xff && (b1 & 0xe0) === 0xe0 && (b1 & 0x06) !== 0 && (b2 & 0xf0) !== 0xf0 && (b2 & 0x0c) !== 0x0c;
}

/** The format of `bytes`, from magic numbers (RIFF/WAVE, fLaC, OggS, ID3 or an MPEG frame, ftyp, MThd…). */
export function sniffAudioFormat(bytes: Uint8Array): SniffedFormat {
  if (bytes.length === 0) return 'empty';
  const head = ascii(bytes, 0, 4);
  if (head === 'MThd' || (head === 'RIFF' && ascii(bytes, 8, 4) === 'RMID')) return 'midi';
  if ((head === 'RIFF' || head === 'RF64') && ascii(bytes, 8, 4) === 'WAVE') return 'wav';
  if (head === 'fLaC') return 'flac';
  if (head === 'OggS') {
    if (indexOfAscii(bytes, 'OpusHead', 128) >= 0) return 'ogg-opus';
    if (indexOfAscii(bytes, 'vorbis', 128) >= 0) return 'ogg-vorbis';
    return 'ogg';
  }
  if (head === 'FORM' && (ascii(bytes, 8, 4) === 'AIFF' || ascii(bytes, 8, 4) === 'AIFC')) return 'aiff';
  if (ascii(bytes, 4, 4) === 'ftyp') return 'm4a';
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) return 'webm';
  const tag = id3Size(bytes);
  if (tag > 0) {
    if (ascii(bytes, tag, 4) === 'fLaC') return 'flac';
    // A tag, then (after optional padding) an MPEG frame.
    for (let i = tag; i < Math.min(bytes.length - 3, tag + 4096); i++) if (isMpegFrame(bytes, i)) return 'mp3';
    return 'unknown';
  }
  if (isMpegFrame(bytes, 0)) return 'mp3';
  return 'unknown';
}

/** A short description of unknown bytes for messages: text, an image, or hex. */
export function describeBytes(bytes: Uint8Array): string {
  const head = ascii(bytes, 0, 8);
  if (head.startsWith('\x89PNG')) return 'a PNG image';
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'a JPEG image';
  if (head.startsWith('%PDF')) return 'a PDF document';
  if (head.startsWith('PK')) return 'a ZIP archive';
  const sample = bytes.subarray(0, 64);
  if (sample.length > 0 && sample.every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127)))
    return `text ("${ascii(bytes, 0, 24).replace(/\s+/g, ' ')}…")`;
  return `bytes ${Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ')}`;
}

/**
 * Throws {@link AudioFormatError} unless `format` is one of `accepted`; the message names what the
 * bytes are (e.g. "song.wav is a MIDI file, not audio") and what to do.
 */
export function assertAudioFormat<T extends SniffedFormat>(
  format: SniffedFormat,
  accepted: readonly T[],
  bytes: Uint8Array,
  name: string,
): asserts format is T {
  if ((accepted as readonly SniffedFormat[]).includes(format)) return;
  const list = 'WAV, FLAC, MP3 or Ogg Vorbis';
  if (format === 'empty') throw new AudioFormatError(`${name} is empty (0 bytes). Choose a ${list} recording.`, 'empty');
  if (format === 'midi') {
    throw new AudioFormatError(
      `${name} is a MIDI file, not a recording (its bytes start with "MThd"). Open it as MIDI (Import MIDI, or pass it as MIDI), or choose a ${list} recording.`,
      'midi',
    );
  }
  if (format === 'unknown')
    throw new AudioFormatError(`${name} is not an audio file we can read: it holds ${describeBytes(bytes)}. Choose a ${list} recording.`, 'unknown');
  throw new AudioFormatError(
    `${name} is ${FORMAT_NAMES[format]}, which cannot be decoded here. Convert it to ${list}${format === 'm4a' || format === 'ogg-opus' || format === 'webm' ? ', or open it in the browser lab (which decodes it)' : ''}.`,
    format,
  );
}
