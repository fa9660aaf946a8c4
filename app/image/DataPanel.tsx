'use client';
/** Loading other digits: the full MNIST or Fashion-MNIST from the four standard IDX files (raw or .gz). */
import { describeError } from '@/lib/core/errors';
import { MNIST_IDX_FILES, orderIdxFiles } from '@/lib/image/idx';
import { useState } from 'react';

type Files = [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
export type DataSource = { kind: 'embedded' } | { kind: 'idx'; name: string; files: Files };

const NAMES = MNIST_IDX_FILES;
const MAX_BYTES = 256 * 1024 * 1024;

export function DataPanel({ onLoad, disabled }: { onLoad: (source: DataSource) => void; disabled: boolean }) {
  const [url, setUrl] = useState('');
  const [problem, setProblem] = useState<string>();
  const fromFiles = async (list: FileList | null) => {
    setProblem(undefined);
    const files = Array.from(list ?? []);
    const ordered = orderIdxFiles(files);
    if (!ordered) {
      setProblem(`Choose the four IDX files together: ${NAMES.join(', ')} (optionally .gz). Got: ${files.map((f) => f.name).join(', ') || 'nothing'}.`);
      return;
    }
    const big = ordered.find((f) => f.size > MAX_BYTES);
    if (big) {
      setProblem(`${big.name} is ${(big.size / 1e6).toFixed(0)} MB; IDX files over 256 MB are refused.`);
      return;
    }
    const bytes = (await Promise.all(ordered.map(async (f) => new Uint8Array(await f.arrayBuffer())))) as Files;
    onLoad({ kind: 'idx', name: `${ordered[0].name} + 3 files`, files: bytes });
  };
  const fromUrl = async () => {
    setProblem(undefined);
    let base: URL;
    try {
      base = new URL(url.endsWith('/') ? url : `${url}/`, window.location.href);
      if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error('not http');
    } catch {
      setProblem(`"${url}" is not an http(s) address of a folder with the four IDX files.`);
      return;
    }
    try {
      const files = (await Promise.all(
        NAMES.map(async (n) => {
          for (const name of [`${n}.gz`, n]) {
            const r = await fetch(new URL(name, base));
            if (r.ok) return new Uint8Array(await r.arrayBuffer());
          }
          throw new Error(`${n}(.gz) was not found at ${base.href}`);
        }),
      )) as Files;
      onLoad({ kind: 'idx', name: base.href, files });
    } catch (error) {
      setProblem(`Could not download the IDX files: ${describeError(error)}`);
    }
  };
  return (
    <details className="card data-panel">
      <summary>Other data: full MNIST or Fashion-MNIST (IDX files)</summary>
      <p className="muted">The lab uses 10,000 embedded digits. You can load the standard 70,000 (or Fashion-MNIST) from the four IDX files, raw or gzipped.</p>
      <div className="controls">
        <label>
          Files{' '}
          <input
            type="file"
            multiple
            accept=".gz,application/gzip,application/octet-stream,*"
            disabled={disabled}
            data-testid="idx-files"
            onChange={(e) => void fromFiles(e.target.files)}
          />
        </label>
        <label>
          or folder URL <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://…/mnist/" disabled={disabled} />
        </label>
        <button type="button" onClick={() => void fromUrl()} disabled={disabled || !url}>
          Load from URL
        </button>
        <button type="button" onClick={() => onLoad({ kind: 'embedded' })} disabled={disabled}>
          Back to the embedded digits
        </button>
      </div>
      {problem && (
        <p role="alert" className="notice notice-error" data-testid="idx-problem">
          {problem}
        </p>
      )}
    </details>
  );
}
