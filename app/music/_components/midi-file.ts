'use client';
/**
 * Reading a MIDI file the user picked: the size is checked before a single byte is read (a 50 MB
 * file is refused at once), then lib/music parses it with its own checks and clear messages.
 */
import { MAX_MIDI_BYTES, parseMidi, type MidiFile } from '@/lib/music/midi';
import { MidiParseError } from '@/lib/music/errors';

export async function readMidiFile(file: File): Promise<MidiFile> {
  if (file.size > MAX_MIDI_BYTES) {
    throw new MidiParseError(
      `${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MB; MIDI files up to ${MAX_MIDI_BYTES / 1024 / 1024} MB are accepted. A 2-bar phrase needs only a few KB: is this really a MIDI file?`,
    );
  }
  return parseMidi(new Uint8Array(await file.arrayBuffer()), file.name);
}

/**
 * Runs `work` on the file `name` and makes sure any error it throws names the file ("Melody B: MIDI
 * has only drums, no melody." does not say which file): the message gains "name: " unless it
 * already mentions it. The error keeps its class and its cause.
 */
export function inFile<T>(name: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof Error && !error.message.includes(name)) error.message = `${name}: ${error.message}`;
    throw error;
  }
}
