'use client';
/**
 * The Compare lab: an image model and a music model side by side, through the same analyses
 * (lib/latent/compare, run in the model worker). Settings live in the URL (lib/latent/compare/
 * url-state); uploaded files, which cannot, are kept on the page and said so.
 */
import { useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { downloadFile } from '@/app/_components/download';
import { ErrorAlert } from '@/app/_components/ErrorAlert';
import { useTypedUrlState } from '@/app/_components/useTypedUrlState';
import { usePlayer } from '@/app/music/_components/usePlayer';
import { useBackendStore } from '@/app/_state/backend-store';
import { request, type RequestBody } from '@/app/_workers/client';
import type { DisplayItems, FILE_LABEL_NAMES, PanelSettings, SideInfo } from '@/app/_workers/compare-protocol';
import { describeError } from '@/lib/core/errors';
import { manifestSchema } from '@/lib/core/model-manifest';
import { COMPARE_PANELS, MAP_PROJECTIONS, NEIGHBOUR_METRICS, PATH_MODES, type ComparePanel, type CompareSide } from '@/lib/latent/compare/options';
import { compareReportCsv, compareReportSchema, type CompareReport, type SideReport } from '@/lib/latent/compare/report';
import { compareUrl, formatGroups, parseGroups, readCompareUrl, type CompareUrlState } from '@/lib/latent/compare/url-state';
import { MAX_MIDI_BYTES } from '@/lib/music/midi';
import { emptyQuantizedSequence, type QuantizedNoteSequence } from '@/lib/music/note-sequence';
import { AttributesSide, HolesSide, MapDetails, MapSide, PathsSide, UnitsSide, type SideContext } from './panels';
import { ImageSetup, MusicSetup, type CatalogEntry } from './SideSetup';
import { PANEL_TEXTS, PANEL_TITLES } from './texts';
import { useCompareSide, type CompareSideState, type PanelRequest } from './useCompareSide';

type FileLabel = (typeof FILE_LABEL_NAMES)[number];

/** What each panel's computation depends on, per side. */
function panelRequests(url: CompareUrlState, groups: string | undefined): Record<ComparePanel, PanelRequest> {
  const parsed = groups ? parseGroups(groups) : undefined;
  const settings: PanelSettings = { seed: url.seed, k: url.k, umap: url.proj === 'umap', pairs: url.pairs, ...(parsed ? { groups: parsed } : {}) };
  return {
    map: { key: `${url.k}|${url.proj}|${url.seed}`, settings },
    units: { key: '', settings },
    paths: { key: `${url.pairs}|${url.seed}`, settings },
    holes: { key: `${url.seed}`, settings },
    attributes: { key: `${groups ?? ''}|${url.seed}`, settings },
  };
}

/** The report of one side as far as its panels have been computed. */
function sideReport(state: CompareSideState): SideReport | null {
  const info = state.info;
  if (!info) return null;
  const report: Record<string, unknown> = { ...info.header, seconds: { encode: info.encodeSeconds } };
  for (const panel of COMPARE_PANELS) {
    const view = state.panels[panel];
    if (view?.result && !view.running) {
      report[panel] = view.result.report;
      if (view.seconds !== undefined) (report.seconds as Record<string, number>)[panel] = view.seconds;
    }
  }
  return report as SideReport;
}

function useCatalog(onError: (m: string) => void): { image: CatalogEntry[]; music: CatalogEntry[] } {
  const [catalog, setCatalog] = useState<{ image: CatalogEntry[]; music: CatalogEntry[] }>({
    image: [{ id: 'vae', title: 'vae', zDims: 2 }],
    music: [{ id: 'mel_2bar', title: 'mel_2bar', zDims: 128 }],
  });
  useEffect(() => {
    fetch('/models/manifest.json')
      .then(async (r) => {
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        const m = manifestSchema.parse(await r.json());
        setCatalog({
          image: m.models.filter((e) => e.kind === 'image').map((e) => ({ id: e.id.replace(/^image\//, ''), title: e.title, zDims: e.zDims })),
          music: m.models.filter((e) => e.kind !== 'image').map((e) => ({ id: e.id, title: e.title, zDims: e.zDims })),
        });
      })
      .catch((e: unknown) => onError(`Could not read the list of shipped models (models/manifest.json): ${describeError(e)}`));
  }, [onError]);
  return catalog;
}

export function CompareApp() {
  const { state: url, set } = useTypedUrlState(compareUrl);
  const search = useSearchParams().toString();
  const problems = useMemo(() => readCompareUrl(new URLSearchParams(search)).problems, [search]);
  const backend = useBackendStore((s) => s.state);
  const startBackend = useBackendStore((s) => s.start);
  useEffect(() => startBackend(), [startBackend]);
  const ready = backend.status === 'ready';
  // Leaving the page frees the comparison's models and codes in the worker (the labs keep theirs).
  useEffect(() => () => void request({ type: 'compare:dispose' }, 'ok').catch(() => undefined), []);
  const [error, setError] = useState<string>();
  const onError = useCallback((m: string) => setError(m), []);
  /** Writes settings to the URL; a value the link cannot hold (e.g. a malformed checkpoint URL) is said, not thrown. */
  const setParams = useCallback(
    (patch: Partial<CompareUrlState>) => {
      try {
        set(patch);
      } catch (e) {
        const keys = Object.keys(patch).join(', ');
        setError(
          `That ${keys} cannot be used (${e instanceof Error && 'issues' in e && Array.isArray(e.issues) ? String((e.issues[0] as { message?: unknown } | undefined)?.message ?? '') : describeError(e)}).`,
        );
      }
    },
    [set],
  );
  const selectKey = (side: CompareSide): 'isel' | 'msel' => (side === 'image' ? 'isel' : 'msel');
  const groupsKey = (side: CompareSide): 'igroups' | 'mgroups' => (side === 'image' ? 'igroups' : 'mgroups');
  const catalog = useCatalog(onError);
  const player = usePlayer(onError);
  const [playing, setPlaying] = useState<{ group: string; index: number }>();
  const [soundOnHover, setSoundOnHover] = useState(false);

  // ---- what each side loads ----
  const [saved, setSaved] = useState<string[]>([]);
  useEffect(() => {
    if (!ready) return;
    request({ type: 'image:saved-list' }, 'image:saved')
      .then((r) => setSaved(r.names))
      .catch(() => undefined);
  }, [ready]);
  const [imageFiles, setImageFiles] = useState<{ encoder: [File, File]; decoder: [File, File]; key: string }>();
  const [musicFolder, setMusicFolder] = useState<{ name: string; files: File[] }>();
  const [musicData, setMusicData] = useState<{ files: { name: string; bytes: Uint8Array }[]; key: string }>();
  const [dataKind, setDataKind] = useState<'examples' | 'files'>('examples');
  const [fileLabel, setFileLabel] = useState<FileLabel>('file');

  const imageLoad = useMemo((): { key: string; body: RequestBody } => {
    if (imageFiles)
      return {
        key: `files:${imageFiles.key}|${url.in}`,
        body: { type: 'compare:load-image', source: { kind: 'files', encoder: imageFiles.encoder, decoder: imageFiles.decoder }, count: url.in },
      };
    const source = url.image.startsWith('saved:') ? { kind: 'saved' as const, name: url.image.slice(6) } : { kind: 'shipped' as const, id: url.image };
    return { key: `${url.image}|${url.in}`, body: { type: 'compare:load-image', source, count: url.in } };
  }, [imageFiles, url.image, url.in]);

  const musicLoad = useMemo((): { key: string; body: RequestBody } | undefined => {
    const source = musicFolder
      ? { kind: 'folder' as const, name: musicFolder.name, files: musicFolder.files }
      : url.music.startsWith('url:')
        ? { kind: 'url' as const, url: url.music.slice(4) }
        : { kind: 'shipped' as const, lab: url.music === 'drums_2bar' ? ('drums' as const) : ('melody' as const) };
    const modelKey = musicFolder ? `folder:${musicFolder.name}:${musicFolder.files.length}` : url.music;
    if (dataKind === 'files' && !musicData) return undefined;
    const data = dataKind === 'files' && musicData ? { kind: 'files' as const, files: musicData.files, label: fileLabel } : { kind: 'examples' as const };
    return {
      key: `${modelKey}|${dataKind === 'files' ? `${musicData?.key}|${fileLabel}|${url.mn}` : 'examples'}|${url.seed}`,
      body: { type: 'compare:load-music', source, data, count: url.mn, seed: url.seed },
    };
  }, [musicFolder, musicData, dataKind, fileLabel, url.music, url.mn, url.seed]);

  const image = useCompareSide(imageLoad, panelRequests(url, url.igroups), ready);
  const music = useCompareSide(musicLoad, panelRequests(url, url.mgroups), ready);
  const sides: Record<CompareSide, CompareSideState> = { image, music };

  // ---- hover, selection, sound ----
  const [hovered, setHovered] = useState<Partial<Record<CompareSide, { index: number; items: DisplayItems }>>>({});
  const [neighbours, setNeighbours] = useState<Partial<Record<CompareSide, { index: number; indices: number[]; distances: number[]; items: DisplayItems }>>>(
    {},
  );
  const play = useCallback(
    (seq: QuantizedNoteSequence, group: string, index: number, kind: 'melody' | 'drums') => {
      setPlaying({ group, index });
      void player.play(group, [seq], { kind, qpm: 120, loop: false });
    },
    [player],
  );
  const musicKind = (info: SideInfo | undefined): 'melody' | 'drums' => (info?.itemName === 'drum pattern' ? 'drums' : 'melody');
  const hover = useCallback(
    (side: CompareSide, index: number) => {
      if (hovered[side]?.index === index) return;
      request({ type: 'compare:items', side, indices: [index] }, 'compare:items:done')
        .then((r) => {
          setHovered((h) => ({ ...h, [side]: { index, items: r.items } }));
          const seq = r.items.kind === 'music' ? r.items.sequences[0] : undefined;
          if (seq && soundOnHover && player.audio === 'running') play(seq, `hover-${side}`, 0, r.items.kind === 'music' ? r.items.music : 'melody');
        })
        .catch(() => undefined);
    },
    [hovered, soundOnHover, player.audio, play],
  );
  const selected: Record<CompareSide, number | undefined> = { image: url.isel, music: url.msel };
  const imageLoadNo = image.info?.load;
  const musicLoadNo = music.info?.load;
  useEffect(() => {
    for (const side of ['image', 'music'] as const) {
      const index = side === 'image' ? url.isel : url.msel;
      const info = side === 'image' ? image.info : music.info;
      if (index === undefined || !info || index >= info.header.data.items) continue;
      request({ type: 'compare:neighbours', side, index, metric: url.metric, k: url.k }, 'compare:neighbours:done')
        .then((r) => setNeighbours((n) => ({ ...n, [side]: r })))
        .catch((e: unknown) => setError(describeError(e)));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [url.isel, url.msel, url.metric, url.k, imageLoadNo, musicLoadNo]);

  // ---- exports ----
  const report = (): CompareReport =>
    compareReportSchema.parse({
      format: 'latent-lab-compare',
      version: 1,
      createdAt: new Date().toISOString(),
      seed: url.seed,
      backend: backend.status === 'ready' ? backend.info.backend : 'unknown',
      image: sideReport(image),
      music: sideReport(music),
    });
  const exportAll = (format: 'json' | 'csv') => {
    try {
      const r = report();
      if (format === 'json') downloadFile(JSON.stringify(r, null, 2) + '\n', 'latent-lab-compare.json', 'application/json');
      else downloadFile(compareReportCsv(r), 'latent-lab-compare.csv', 'text/csv');
    } catch (e) {
      setError(`Could not export: ${describeError(e)}`);
    }
  };
  const allReady = COMPARE_PANELS.every((p) => image.panels[p]?.result && !image.panels[p]?.running && music.panels[p]?.result && !music.panels[p]?.running);

  const ctx = (side: CompareSide, panel: ComparePanel): SideContext | undefined => {
    const state = sides[side];
    if (!state.info) return undefined;
    return {
      side,
      info: state.info,
      view: state.panels[panel],
      url,
      setParams,
      onError,
      onRetry: () => state.retry(panel),
      onCancel: state.cancel,
      play: (seq, group, index) => play(seq, group, index, musicKind(state.info)),
      playing,
    };
  };

  const groupsControl = (side: CompareSide) => {
    const info = sides[side].info;
    if (!info) return null;
    const key = groupsKey(side);
    const current = (side === 'image' ? url.igroups : url.mgroups) ?? formatGroups(info.defaultGroups);
    const labels = [...new Set(info.labels)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    const parsed = parseGroups(current);
    const pair = parsed?.kind === 'label' ? parsed : undefined;
    return (
      <fieldset className="controls group-picker">
        <legend>{side === 'image' ? 'Images' : 'Music'}: groups</legend>
        <select
          value={parsed?.kind === 'attribute' ? parsed.id : 'label'}
          onChange={(e) => setParams({ [key]: e.target.value === 'label' ? `${labels[0] ?? ''}:${labels[1] ?? ''}` : e.target.value })}
          aria-label={`${side} groups by`}
          data-testid={`groups-${side}`}
        >
          {info.attributes.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}: low → high
            </option>
          ))}
          <option value="label">two {info.header.data.labelName}s</option>
        </select>
        {pair && labels.length <= 200 && (
          <>
            {(['a', 'b'] as const).map((which) => (
              <select
                key={which}
                value={pair[which]}
                onChange={(e) => setParams({ [key]: which === 'a' ? `${e.target.value}:${pair.b}` : `${pair.a}:${e.target.value}` })}
                aria-label={`${side} group ${which.toUpperCase()}`}
              >
                {labels.map((l) => (
                  <option key={l} value={l}>
                    {l}
                  </option>
                ))}
              </select>
            ))}
          </>
        )}
      </fieldset>
    );
  };

  const panelControls = (panel: ComparePanel) => {
    switch (panel) {
      case 'map':
        return (
          <div className="controls">
            <label>
              Picture{' '}
              <select value={url.proj} onChange={(e) => setParams({ proj: MAP_PROJECTIONS.find((p) => p === e.target.value) })} data-testid="map-projection">
                {MAP_PROJECTIONS.map((p) => (
                  <option key={p} value={p}>
                    {p === 'pca' ? 'PCA (a flat shadow, fast)' : 'UMAP (keeps neighbours, slower)'}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Neighbours by{' '}
              <select value={url.metric} onChange={(e) => setParams({ metric: NEIGHBOUR_METRICS.find((m) => m === e.target.value) })} data-testid="map-metric">
                {NEIGHBOUR_METRICS.map((m) => (
                  <option key={m} value={m}>
                    {m === 'cosine' ? 'cosine (direction)' : 'Euclidean (straight line)'}
                  </option>
                ))}
              </select>
            </label>
            <label>
              <input
                type="checkbox"
                checked={soundOnHover}
                onChange={(e) => setSoundOnHover(e.target.checked)}
                onClick={() => !soundOnHover && void player.play('hover-start', [emptyQuantizedSequence(32)], { kind: 'melody', qpm: 120, loop: false })}
                data-testid="sound-on-hover"
              />{' '}
              Play music on hover
            </label>
            <span
              className="muted small"
              data-testid="audio-state"
              data-state={player.audio}
              data-ticks={player.playing?.ticks ?? 0}
              data-group={player.playing?.group ?? ''}
            >
              {player.audio === 'blocked'
                ? 'This browser blocked sound: click again to allow it.'
                : player.audio === 'running'
                  ? 'Sound on.'
                  : 'Sound starts with a click.'}
            </span>
          </div>
        );
      case 'paths':
        return (
          <div className="controls">
            <label>
              Show{' '}
              <select value={url.mode} onChange={(e) => setParams({ mode: PATH_MODES.find((m) => m === e.target.value) })} data-testid="paths-mode">
                {PATH_MODES.map((m) => (
                  <option key={m} value={m}>
                    {m === 'lerp' ? 'lerp (straight line)' : 'slerp (along the sphere)'}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Walks{' '}
              <select value={url.pairs} onChange={(e) => setParams({ pairs: Number(e.target.value) })} data-testid="paths-pairs">
                {[8, 16, 24, 32, 48, 64].map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </label>
          </div>
        );
      case 'attributes':
        return (
          <div className="controls">
            {groupsControl('image')}
            {groupsControl('music')}
          </div>
        );
      default:
        return null;
    }
  };

  return (
    <div className="compare-lab">
      <ErrorAlert message={error} onDismiss={() => setError(undefined)} />
      {problems.length > 0 && (
        <div className="notice" data-testid="url-problems">
          This link had settings that could not be used: {problems.map((p) => p.message).join(' ')}
        </div>
      )}
      {!ready && backend.status !== 'error' && <p className="muted">Starting TF.js in the model worker…</p>}
      {backend.status === 'error' && (
        <p role="alert" className="notice notice-error">
          The model worker could not start: {backend.message}
        </p>
      )}
      <div className="compare-columns">
        <ImageSetup
          catalog={catalog.image}
          saved={saved}
          value={imageFiles ? 'files' : url.image}
          count={url.in}
          onModel={(v) => {
            setImageFiles(undefined);
            if (v !== 'files') setParams({ image: v, isel: undefined, igroups: undefined });
          }}
          onCount={(n) => setParams({ in: n, isel: undefined })}
          onFiles={(files) => {
            const pick = (part: string, ext: string) => files.find((f) => f.name.includes(part) && f.name.endsWith(ext));
            const [ej, ew, dj, dw] = [pick('encoder', '.json'), pick('encoder', '.bin'), pick('decoder', '.json'), pick('decoder', '.bin')];
            if (!ej || !ew || !dj || !dw) {
              setError(
                'Choose all four files of a downloaded model: <id>-encoder.json, <id>-encoder.weights.bin, <id>-decoder.json, <id>-decoder.weights.bin.',
              );
              return;
            }
            setImageFiles({ encoder: [ej, ew], decoder: [dj, dw], key: files.map((f) => `${f.name}:${f.size}:${f.lastModified}`).join('|') });
          }}
          info={image.info}
          loading={image.loading}
          loadError={image.loadError}
          onCancel={image.cancel}
        >
          {imageFiles && <p className="muted small">Uploaded model files stay on this page only: a shared link opens the shipped model.</p>}
        </ImageSetup>
        <MusicSetup
          catalog={catalog.music}
          value={musicFolder ? 'folder' : url.music}
          data={dataKind}
          fileLabel={fileLabel}
          count={url.mn}
          onModel={(v) => {
            setMusicFolder(undefined);
            if (v !== 'folder') setParams({ music: v, msel: undefined, mgroups: undefined });
          }}
          onFolder={(name, files) => setMusicFolder({ name, files })}
          onData={(kind, files) => {
            setDataKind(kind);
            if (kind === 'examples') setMusicData(undefined);
            if (!files || files.length === 0) return;
            const big = files.find((f) => f.size > MAX_MIDI_BYTES);
            if (big) {
              setError(`${big.name} is ${(big.size / 1e6).toFixed(1)} MB; MIDI files up to ${MAX_MIDI_BYTES / 1024 / 1024} MB are read.`);
              return;
            }
            Promise.all(
              files.map(async (f) => ({
                name: (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name,
                bytes: new Uint8Array(await f.arrayBuffer()),
              })),
            )
              .then((read) => {
                setMusicData({ files: read, key: files.map((f) => `${f.name}:${f.size}:${f.lastModified}`).join('|') });
                setParams({ msel: undefined, mgroups: undefined });
              })
              .catch((e: unknown) => setError(describeError(e)));
          }}
          onFileLabel={setFileLabel}
          onCount={(n) => setParams({ mn: n })}
          info={music.info}
          loading={music.loading}
          loadError={music.loadError}
          onCancel={music.cancel}
        >
          {(musicFolder || dataKind === 'files') && (
            <p className="muted small">Files from this computer stay on this page only: a shared link opens the shipped model and the built-in examples.</p>
          )}
          {dataKind === 'files' && !musicData && (
            <p className="muted small">Choose one or more MIDI files (melodies for a melody model, drums for a drum model).</p>
          )}
        </MusicSetup>
      </div>

      <div className="card controls export-all">
        <strong>All numbers</strong>
        <button type="button" onClick={() => exportAll('json')} disabled={!image.info && !music.info} data-testid="export-json">
          JSON
        </button>
        <button type="button" onClick={() => exportAll('csv')} disabled={!image.info && !music.info} data-testid="export-csv">
          CSV
        </button>
        <span className="muted small" data-testid="compare-status" data-ready={allReady ? '1' : '0'}>
          {allReady ? 'Every panel is computed for both sides.' : 'Panels appear as they are computed; the files hold what is ready.'} The same numbers come
          from <code>npm run compare</code>.
        </span>
      </div>

      {COMPARE_PANELS.map((panel) => (
        <section key={panel} className="compare-panel" aria-labelledby={`h-${panel}`} data-testid={`panel-${panel}`}>
          <h2 id={`h-${panel}`}>{PANEL_TITLES[panel]}</h2>
          <div className="learner-text">
            {PANEL_TEXTS[panel].map((t) => (
              <p key={t}>{t}</p>
            ))}
          </div>
          {panelControls(panel)}
          <div className="compare-columns">
            {(['image', 'music'] as const).map((side) => {
              const c = ctx(side, panel);
              if (!c)
                return (
                  <div key={side} className="card compare-side muted">
                    {sides[side].loading ? 'Loading…' : 'No model loaded yet.'}
                  </div>
                );
              switch (panel) {
                case 'map':
                  return (
                    <div key={side}>
                      <MapSide
                        ctx={c}
                        interaction={{
                          hovered: hovered[side]?.index,
                          selected: selected[side],
                          neighbours: selected[side] !== undefined && neighbours[side]?.index === selected[side] ? (neighbours[side]?.indices ?? []) : [],
                          onHover: (i) => hover(side, i),
                          onSelect: (i) => setParams({ [selectKey(side)]: i }),
                        }}
                      />
                      <MapDetails
                        ctx={c}
                        hovered={hovered[side]}
                        neighbours={selected[side] !== undefined && neighbours[side]?.index === selected[side] ? neighbours[side] : undefined}
                        onSelect={(i) => setParams({ [selectKey(side)]: i })}
                      />
                    </div>
                  );
                case 'units':
                  return <UnitsSide key={side} ctx={c} />;
                case 'paths':
                  return <PathsSide key={side} ctx={c} />;
                case 'holes':
                  return <HolesSide key={side} ctx={c} />;
                case 'attributes':
                  return <AttributesSide key={side} ctx={c} />;
              }
            })}
          </div>
        </section>
      ))}
    </div>
  );
}
