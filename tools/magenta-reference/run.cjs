#!/usr/bin/env node
// Runs @magenta/music 1.23.1 (the reference MusicVAE) in its own process, so its TF.js 2.8.6 never
// shares a realm with our TF.js 4. Reads a JSON request from the file named by argv[2] and prints
// one JSON answer on stdout. Used by lib/music/magenta-compat.test.ts and scripts/bench-music.ts.
//
// Request: { checkpointUrl, backend: "cpu" | "wasm", tasks: Task[] }
//   { type: "encode", sequences: NoteSequence[] }          → { mu: number[][] }
//   { type: "decodeLabels", z: number[][] }                → { labels: number[][] } (argmax)
//   { type: "bench", op, runs, warmup, ... }               → { wallMs: number[], cpuMs: number[] } or { error }
'use strict';
const fs = require('node:fs');
const path = require('node:path');

globalThis.performance = globalThis.performance || require('node:perf_hooks').performance;
const mm = require('@magenta/music/node/music_vae');
const tf = require(require.resolve('@tensorflow/tfjs', { paths: [path.dirname(require.resolve('@magenta/music/package.json'))] }));

function toNoteSequence(s) {
  return {
    notes: s.notes.map((n) => ({
      pitch: n.pitch,
      quantizedStartStep: n.quantizedStartStep,
      quantizedEndStep: n.quantizedEndStep,
      isDrum: !!n.isDrum,
      velocity: n.velocity || 80,
    })),
    quantizationInfo: { stepsPerQuarter: 4 },
    totalQuantizedSteps: s.totalQuantizedSteps,
    tempos: [{ time: 0, qpm: 120 }],
  };
}

async function setBackend(name) {
  if (name === 'wasm') {
    const wasm = require('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep);
  }
  // The old emscripten loader fetch()es the .wasm when a global fetch exists, which fails for file
  // paths in Node 20; hide fetch while it loads so it reads the file from disk instead.
  const savedFetch = globalThis.fetch;
  globalThis.fetch = undefined;
  try {
    const ok = await tf.setBackend(name);
    if (!ok) throw new Error(`magenta's TF.js could not start the ${name} backend`);
    await tf.ready();
  } finally {
    globalThis.fetch = savedFetch;
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timeIt(fn, runs, warmup) {
  for (let i = 0; i < warmup; i++) await fn();
  const wallMs = [];
  const cpuMs = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    wallMs.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuMs.push((c.user + c.system) / 1000);
  }
  return { wallMs: median(wallMs), cpuMs: median(cpuMs) };
}

async function main() {
  const request = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const silence = console.log;
  console.log = () => {}; // magenta logs timings on stdout; keep stdout for our JSON
  await setBackend(request.backend || 'cpu');
  const model = new mm.MusicVAE(request.checkpointUrl);
  await model.initialize();
  const results = [];
  for (const task of request.tasks) {
    try {
      if (task.type === 'encode') {
        const z = await model.encode(task.sequences.map(toNoteSequence));
        results.push({ mu: await z.array() });
        z.dispose();
      } else if (task.type === 'decodeLabels') {
        const z = tf.tensor2d(task.z);
        const oh = await model.decodeTensors(z, undefined);
        const labels = oh.argMax(2);
        results.push({ labels: await labels.array() });
        tf.dispose([z, oh, labels]);
      } else if (task.type === 'bench') {
        const seqs = (task.sequences || []).map(toNoteSequence);
        const z = task.z ? tf.tensor2d(task.z) : undefined;
        const ops = {
          encode: async () => (await model.encode(seqs)).dispose(),
          decode: async () => (await model.decodeTensors(z, undefined)).dispose(),
          sample: async () => (await model.sampleTensors(task.n, task.temperature)).dispose(),
          interpolate: async () => {
            await model.interpolate(seqs, task.steps, undefined);
          },
        };
        const fn = ops[task.op];
        if (!fn) throw new Error(`unknown bench op ${task.op}`);
        const r = await timeIt(fn, task.runs, task.warmup);
        if (z) z.dispose();
        results.push({ ...r, numTensors: tf.memory().numTensors });
      } else {
        throw new Error(`unknown task ${task.type}`);
      }
    } catch (error) {
      results.push({ error: String(error && error.message ? error.message : error).split('\n')[0] });
    }
  }
  model.dispose();
  console.log = silence;
  process.stdout.write(JSON.stringify({ backend: tf.getBackend(), tfjs: tf.version_core, results, maxRssKb: process.resourceUsage().maxRSS }) + '\n');
}

main().catch((error) => {
  process.stderr.write(`magenta reference failed: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
