/**
 * Decoding audio files to mono PCM without a browser: WAV, FLAC, MP3 and Ogg Vorbis, with the
 * audiojs decoders (`@audio/decode-wav`, pure JS; `@audio/decode-flac`, `-mp3`, `-vorbis`: libFLAC,
 * mpg123 and libvorbis compiled to WASM and inlined, MIT). We take the four codecs we support
 * rather than `audio-decode`, which pulls in twenty. They are loaded with `import()` only when a
 * file of their format arrives. The CLI and eval use this; the browser lab decodes with
 * `decodeAudioData` instead (decode-browser.ts).
 *
 * Decoding is streamed in chunks so a file over the length limit is refused as soon as the limit is
 * passed, without holding the whole file as floats (a 20-minute stereo file would be ~400 MB).
 *
 * One gap of `@audio/decode-wav` (1.5.1, the latest) is filled here: RIFF pads a chunk of odd size
 * with one byte, which it does not skip, so a WAV with an odd-sized chunk (iXML, bext, LIST…) before
 * its audio would decode as nothing. Such a file is handed to it as a plain header plus its data.
 */
import { CancelledError, InvalidInputError } from '../core/errors';
import { AudioDecodeError, AudioTooLongError } from './errors';
import { assertAudioFormat, NODE_AUDIO_FORMATS, sniffAudioFormat, FORMAT_NAMES, type NodeAudioFormat } from './format';
import { MAX_AUDIO_BYTES, MAX_AUDIO_SECONDS, checkSampleRate, formatDuration, type PcmAudio } from './pcm';

interface ChunkDecoder {
  decode(data: Uint8Array): { channelData: Float32Array[]; sampleRate: number };
  flush?(): { channelData: Float32Array[]; sampleRate: number };
  free(): void;
}

async function createDecoder(format: NodeAudioFormat): Promise<ChunkDecoder> {
  switch (format) {
    case 'wav':
      return (await import('@audio/decode-wav')).decoder();
    case 'flac':
      return (await import('@audio/decode-flac')).decoder();
    case 'mp3':
      return (await import('@audio/decode-mp3')).decoder();
    case 'ogg-vorbis':
      return (await import('@audio/decode-vorbis')).decoder();
  }
}

/** A decoded file: mono PCM at the file's own rate, plus what it was. */
export interface DecodedAudio extends PcmAudio {
  format: NodeAudioFormat;
  /** Channels in the file (mixed to mono in `samples`). */
  channels: number;
}

export interface DecodeOptions {
  /** Longest audio accepted, in seconds (default {@link MAX_AUDIO_SECONDS}). */
  maxSeconds?: number;
  signal?: AbortSignal;
}

const CHUNK_BYTES = 64 * 1024;

const fourCC = (bytes: Uint8Array, at: number): string => String.fromCharCode(...bytes.subarray(at, at + 4));

/**
 * The WAV file as the decoder can read it: unchanged, unless a chunk of odd size (and so a pad byte)
 * comes before the audio; then a 44-byte header (RIFF, its "fmt " chunk, the "data" chunk's header)
 * and the data itself, in that order (the parts are views, not copies). Unchanged too when it finds
 * no "fmt " and "data" chunks: the decoder then says what is wrong.
 */
function wavParts(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let fmt: Uint8Array | undefined;
  let padded = false;
  for (let at = 12; at + 8 <= bytes.byteLength;) {
    const id = fourCC(bytes, at);
    const size = view.getUint32(at + 4, true);
    if (id === 'fmt ') fmt = bytes.subarray(at, Math.min(bytes.byteLength, at + 8 + size));
    else if (id === 'data') {
      if (!padded || !fmt) return [bytes];
      const riff = new Uint8Array(12);
      riff.set(bytes.subarray(0, 12));
      new DataView(riff.buffer).setUint32(4, 4 + fmt.byteLength + (bytes.byteLength - at), true);
      return [riff, fmt, bytes.subarray(at)];
    }
    padded ||= size % 2 === 1;
    at += 8 + size + (size % 2);
  }
  return [bytes];
}

/**
 * Decodes a WAV, FLAC, MP3 or Ogg Vorbis file and mixes it to mono.
 * @param bytes the whole file (not changed).
 * @param name the file's name, for messages.
 * @throws AudioFormatError when the bytes are not one of those formats (MIDI, empty, M4A, text…);
 *   AudioDecodeError when the data is damaged or holds no samples; AudioTooLongError past the limit.
 */
export async function decodeAudio(bytes: Uint8Array, name = 'The file', options: DecodeOptions = {}): Promise<DecodedAudio> {
  const maxSeconds = options.maxSeconds ?? MAX_AUDIO_SECONDS;
  if (bytes.byteLength > MAX_AUDIO_BYTES) {
    throw new AudioTooLongError(
      `${name} is ${(bytes.byteLength / 1024 / 1024).toFixed(0)} MB; audio files up to ${MAX_AUDIO_BYTES / 1024 / 1024} MB (and ${formatDuration(maxSeconds)}) are read. Cut the part you want.`,
      NaN,
      maxSeconds,
    );
  }
  const format = sniffAudioFormat(bytes);
  assertAudioFormat(format, NODE_AUDIO_FORMATS, bytes, name);
  const decoder = await createDecoder(format);
  const sums: Float32Array[] = [];
  let sampleRate = 0;
  let channels = 0;
  let frames = 0;
  const take = (out: { channelData: Float32Array[]; sampleRate: number }): void => {
    const first = out.channelData[0];
    if (!first || first.length === 0) return;
    if (sampleRate === 0) {
      sampleRate = out.sampleRate;
      channels = out.channelData.length;
      checkSampleRate(sampleRate, name);
    }
    const mono = new Float32Array(first.length);
    for (const c of out.channelData) for (let i = 0; i < mono.length; i++) mono[i] = (mono[i] ?? 0) + (c[i] ?? 0) / out.channelData.length;
    sums.push(mono);
    frames += mono.length;
    if (frames / sampleRate > maxSeconds) {
      throw new AudioTooLongError(
        `${name} is longer than ${formatDuration(maxSeconds)}: audio files of up to ${formatDuration(maxSeconds)} are read. Cut the part you want and try again.`,
        frames / sampleRate,
        maxSeconds,
      );
    }
  };
  try {
    for (const part of format === 'wav' ? wavParts(bytes) : [bytes]) {
      for (let offset = 0; offset < part.byteLength; offset += CHUNK_BYTES) {
        if (options.signal?.aborted) throw new CancelledError('Decoding the audio');
        take(decoder.decode(part.subarray(offset, offset + CHUNK_BYTES)));
      }
    }
    if (decoder.flush) take(decoder.flush());
  } catch (error) {
    if (error instanceof AudioTooLongError || error instanceof CancelledError || error instanceof InvalidInputError) throw error;
    throw new AudioDecodeError(
      `${name} looks like ${FORMAT_NAMES[format]} but is damaged and cannot be decoded (${error instanceof Error ? error.message : String(error)}).`,
      {
        cause: error,
      },
    );
  } finally {
    decoder.free();
  }
  if (frames === 0) {
    throw new AudioDecodeError(`${name} looks like ${FORMAT_NAMES[format]} but holds no audio samples (truncated or damaged). Export it again.`);
  }
  const samples = new Float32Array(frames);
  let o = 0;
  for (const s of sums) {
    samples.set(s, o);
    o += s.length;
  }
  return { samples, sampleRate, format, channels };
}
