/**
 * The model worker's parts: one line per worker part (a domain's, or a tool's: the Compare lab, audio in). TF.js is
 * loaded here, so only the model worker, Node scripts and tests import this file — never a page.
 */
import { compareWorkerPart } from '../compare/worker';
import { imageWorkerPart } from '../image/worker';
import { finetuneWorkerPart } from '../music/finetune-worker';
import { musicWorkerPart } from '../music/worker';
import { soundWorkerPart } from '../sound/worker';
import { timbreWorkerPart } from '../timbre/worker';
import type { WorkerPart } from './types';

export const WORKER_PARTS: readonly WorkerPart[] = [imageWorkerPart, musicWorkerPart, timbreWorkerPart, compareWorkerPart, soundWorkerPart, finetuneWorkerPart];
