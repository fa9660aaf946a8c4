/** Latent Lab's TF.js kernel improvements, installed together by both backend initialisers. */
import { installFastCpuMatMul } from './cpu-matmul';
import { installWasmGradientKernels } from './wasm-grad';
import { installFastWasmTransposedMatMul } from './wasm-matmul';

/** Installs the faster CPU matMul and WASM transposed matMul (once). Call before a backend starts. */
export function installFastKernels(): void {
  installFastCpuMatMul();
  installFastWasmTransposedMatMul();
  installWasmGradientKernels();
}
