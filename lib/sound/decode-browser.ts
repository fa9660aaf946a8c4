/**
 * Decoding a chosen or dropped file in the browser, on the main thread (Web Audio's
 * `decodeAudioData` exists only there, not in workers): WAV, MP3, Ogg, FLAC and — where the browser
 * can — M4A/AAC and WebM/Opus. The bytes are sniffed first so a MIDI file renamed `.wav`, an image
 * or text gets our named error instead of the browser's "Unable to decode audio data". The result is
 * mono PCM at the file's own rate; hand its `samples` to the model worker (transfer the buffer),
 * which resamples to 22,050 Hz (resample.ts) — decoding is done by the browser off the main thread,
 * the mixing here is one pass over the samples.
 */
import { AudioDecodeError, AudioTooLongError } from './errors';
import { assertAudioFormat, sniffAudioFormat, type SniffedFormat } from './format';
import { MAX_AUDIO_BYTES, MAX_AUDIO_SECONDS, formatDuration, mixToMono, type PcmAudio } from './pcm';

/** Containers a browser may decode (it has the last word: a failure becomes AudioDecodeError). */
export const BROWSER_AUDIO_FORMATS: readonly SniffedFormat[] = ['wav', 'flac', 'mp3', 'ogg-vorbis', 'ogg-opus', 'ogg', 'm4a', 'webm', 'aiff'];

/** The part of `BaseAudioContext` used here (so tests can pass a stand-in). */
export interface AudioDecoderContext {
  decodeAudioData(data: ArrayBuffer): Promise<{ numberOfChannels: number; sampleRate: number; length: number; getChannelData(channel: number): Float32Array }>;
}

/**
 * Decodes `bytes` (a File's `arrayBuffer()`) with `context` (default: a 1-sample OfflineAudioContext,
 * which needs no user gesture) and mixes to mono.
 * @throws AudioFormatError (not audio: MIDI, empty, image, text…), AudioDecodeError (the browser
 *   cannot decode it), AudioTooLongError (over `maxSeconds`, default 5 minutes, or 200 MB).
 */
export async function decodeAudioInBrowser(
  bytes: ArrayBuffer,
  name = 'The file',
  options: { maxSeconds?: number; context?: AudioDecoderContext } = {},
): Promise<PcmAudio> {
  const maxSeconds = options.maxSeconds ?? MAX_AUDIO_SECONDS;
  if (bytes.byteLength > MAX_AUDIO_BYTES) {
    throw new AudioTooLongError(
      `${name} is ${(bytes.byteLength / 1024 / 1024).toFixed(0)} MB; audio files up to ${MAX_AUDIO_BYTES / 1024 / 1024} MB are read.`,
      NaN,
      maxSeconds,
    );
  }
  const head = new Uint8Array(bytes, 0, Math.min(bytes.byteLength, 4096));
  const format = sniffAudioFormat(head);
  assertAudioFormat(format, BROWSER_AUDIO_FORMATS, head, name);
  const context = options.context ?? new OfflineAudioContext(1, 1, 44_100);
  let buffer: Awaited<ReturnType<AudioDecoderContext['decodeAudioData']>>;
  try {
    // decodeAudioData detaches its argument: give it a copy so the caller keeps the file's bytes.
    buffer = await context.decodeAudioData(bytes.slice(0));
  } catch (error) {
    throw new AudioDecodeError(
      `${name} looks like ${format === 'm4a' ? 'an MP4/M4A file' : `a ${format.toUpperCase()} file`} but this browser cannot decode it (it may be damaged, or use a codec this browser lacks). Try WAV or MP3.`,
      { cause: error },
    );
  }
  const seconds = buffer.length / buffer.sampleRate;
  if (seconds > maxSeconds) {
    throw new AudioTooLongError(
      `${name} is ${formatDuration(seconds)} long; transcription takes up to ${formatDuration(maxSeconds)}. Cut the part you want and try again.`,
      seconds,
      maxSeconds,
    );
  }
  if (buffer.length === 0) throw new AudioDecodeError(`${name} decodes to no samples at all (empty or damaged).`);
  const channels = Array.from({ length: buffer.numberOfChannels }, (_, c) => buffer.getChannelData(c));
  return { samples: mixToMono(channels), sampleRate: buffer.sampleRate };
}
