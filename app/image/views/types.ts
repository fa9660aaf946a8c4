import type { ModelInfo } from '@/lib/image/protocol';
import type { ImageLabPatch, ImageLabState } from '@/lib/image/lab-url';

/** What every view of the image lab gets. */
export interface ViewProps {
  model: ModelInfo;
  /** Bumped whenever the weights change (training, loading): views recompute. */
  version: number;
  testCount: number;
  testLabels: Uint8Array;
  /** The lab's state from the URL, and its setter. */
  url: ImageLabState;
  setUrl: (patch: ImageLabPatch) => void;
  onError: (message: string) => void;
  /** True while training runs: heavy views wait for the epoch boundary. */
  training: boolean;
}
