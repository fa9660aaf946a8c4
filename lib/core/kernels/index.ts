/** Latent Lab's TF.js kernel improvements, installed together by both backend initialisers. */
import { installFastCpuMatMul } from './cpu-matmul';
import { installCpuResizeGradFix } from './cpu-resize-grad';
import { installWasmGradientKernels } from './wasm-grad';
import { installLstmSequenceKernels } from './lstm-sequence';
import { installFastWasmTransposedMatMul } from './wasm-matmul';

/**
 * Installs Latent Lab's kernel fixes (once each). Call before a backend starts.
 * - a faster CPU matMul (`BatchMatMul`, `_FusedMatMul`): cpu-matmul.ts;
 * - a faster WASM matMul for transposed operands: wasm-matmul.ts;
 * - the WASM gradient kernels TF.js lacks or gets wrong (`Conv2DBackpropFilter`, `MaxPoolGrad`,
 *   `Conv2DBackpropInput` via XNNPACK, `ResizeNearestNeighborGrad` with halfPixelCenters): wasm-grad.ts;
 * - correct CPU resize gradients (`ResizeNearestNeighborGrad` for batches > 1 — UpSampling2D —
 *   and `ResizeBilinearGrad` with halfPixelCenters or non-square images): cpu-resize-grad.ts.
 */
export function installFastKernels(): void {
  installFastCpuMatMul();
  installFastWasmTransposedMatMul();
  installWasmGradientKernels();
  installCpuResizeGradFix();
  installLstmSequenceKernels();
}
