/**
 * Where in the bar grooves put kick, snare and hi-hat: per 16th of a 4/4 bar, the share of sounded
 * steps that are each (one sound per step: kick, else snare, else hi-hat), add-one smoothed. Written
 * by `npm run train:drum-positions` (scripts/train-drum-positions.ts) from the 324 drum-machine
 * book patterns the evaluation does not score (2946 sounded steps). Do not edit.
 */
import type { DrumSound } from './drums';

export const DRUM_POSITIONS: { readonly share: Readonly<Record<DrumSound, readonly number[]>>; readonly trainedOn: string } = {
  share: {
    kick: [0.8713, 0.2243, 0.2143, 0.3841, 0.3063, 0.2913, 0.2927, 0.4965, 0.7061, 0.2636, 0.3289, 0.5308, 0.3308, 0.3652, 0.3039, 0.3711],
    snare: [0.099, 0.3084, 0.2647, 0.2988, 0.5141, 0.2816, 0.248, 0.3427, 0.1336, 0.3818, 0.2178, 0.2231, 0.4981, 0.3043, 0.2304, 0.4021],
    hat: [0.0297, 0.4673, 0.521, 0.3171, 0.1796, 0.4272, 0.4593, 0.1608, 0.1603, 0.3545, 0.4533, 0.2462, 0.1711, 0.3304, 0.4657, 0.2268],
  },
  trainedOn: '324 drum-machine book patterns (not those eval:transcribe scores), 2946 sounded 16ths',
};
