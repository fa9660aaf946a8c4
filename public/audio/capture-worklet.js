// Latent Lab's microphone capture (an AudioWorklet, loaded by lib/sound/microphone.ts): copies the
// input's first channel in blocks of 2,048 samples, each with the context frame of its first sample,
// so the page knows exactly where the count-in clicks fell in the take.
class LatentLabCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.block = new Float32Array(2048);
    this.filled = 0;
    this.startFrame = -1;
    this.stopped = false;
    this.port.onmessage = (e) => {
      if (e.data === 'stop') {
        this.flush();
        this.stopped = true;
        this.port.postMessage({ done: true });
      }
    };
  }
  flush() {
    if (this.filled === 0) return;
    const samples = this.block.slice(0, this.filled);
    this.port.postMessage({ frame: this.startFrame, samples }, [samples.buffer]);
    this.filled = 0;
  }
  process(inputs) {
    if (this.stopped) return false;
    const channel = inputs[0] && inputs[0][0];
    const length = channel ? channel.length : 128;
    for (let i = 0; i < length; i++) {
      if (this.filled === 0) this.startFrame = currentFrame + i;
      this.block[this.filled++] = channel ? channel[i] : 0;
      if (this.filled === this.block.length) this.flush();
    }
    return true;
  }
}
registerProcessor('latent-lab-capture', LatentLabCapture);
