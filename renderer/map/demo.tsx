import { StrictMode, useCallback, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { CameraState } from './camera';
import { buildClassIndex, CATEGORY_HEX, countClasses, type ColorMode, type LegendEntry, type MapColors } from './colors';
import { makeClusters, tightened } from './demo-data';
import { makeThumbUrl } from './demo-thumbs';
import { MapView, type MapHandle } from './MapView';
import { applySelection, maskToIndices, type SelectMode } from './state-flags';

/** What the browser tests and the frame benchmark read back from the page. */
export interface DemoProbe {
  handle: MapHandle | null;
  hovered: number | null;
  opened: number | null;
  selected: Int32Array;
  camera: CameraState | null;
  n: number;
}
declare global {
  interface Window { __map: DemoProbe }
}

const q = new URLSearchParams(location.search);
const N = Math.max(1, Number(q.get('n') ?? 20000));
const SEED = Number(q.get('seed') ?? 1);
const K = Number(q.get('k') ?? 8);
const data = makeClusters(N, K, SEED);
const probe: DemoProbe = (window.__map = { handle: null, hovered: null, opened: null, selected: new Int32Array(0), camera: null, n: N });

function legendFor(mode: ColorMode): LegendEntry[] {
  if (mode === 'none') return [];
  const k = mode === 'confidence' ? 5 : K;
  const names = mode === 'confidence' ? ['0–0.2', '0.2–0.4', '0.4–0.6', '0.6–0.8', '0.8–1'] : Array.from({ length: K }, (_, i) => `cluster ${i}`);
  const ramp = ['#450054', '#3b528c', '#21918c', '#5ec962', '#fde725'];
  const stub: MapColors = { mode, categories: data.categories, values: data.values, legend: names.map((name) => ({ name, color: '', count: 0, visible: true })) };
  const counts = countClasses(buildClassIndex(stub, N), k);
  return names.map((name, i) => ({ name, color: mode === 'confidence' ? ramp[i] : CATEGORY_HEX[i % CATEGORY_HEX.length], count: counts[i], visible: true }));
}

function Demo() {
  const [mode, setMode] = useState<ColorMode>((q.get('mode') as ColorMode) ?? 'cluster');
  const [legend, setLegend] = useState(() => legendFor(mode));
  const [selection, setSelection] = useState<Uint8Array | null>(null);
  const [opened, setOpened] = useState<number | null>(null);
  const [fly, setFly] = useState<number | null>(null);
  const [coords, setCoords] = useState(data.coords);
  const thumbUrl = useMemo(() => makeThumbUrl((id) => data.categories[id - 1000] ?? 0), []);
  const handle = useRef<MapHandle>(null);
  probe.handle = handle.current;

  const colors = useMemo<MapColors>(() => ({ mode, categories: data.categories, values: data.values, legend }), [mode, legend]);
  const onSelect = useCallback((indices: Int32Array, m: SelectMode) => {
    setSelection((prev) => {
      const next = applySelection(prev, indices, m, N);
      probe.selected = maskToIndices(next);
      return next;
    });
  }, []);

  return (
    <div style={{ display: 'flex', height: '100%' }}>
      <div style={{ flex: 1, position: 'relative' }}>
        <MapView
          ref={(h) => { handle.current = h; probe.handle = h; }}
          coords={coords}
          ids={data.ids}
          colors={colors}
          selection={selection}
          thumbUrl={thumbUrl}
          flyToIndex={fly}
          onHover={(i) => (probe.hovered = i)}
          onCameraChange={(c) => (probe.camera = c)}
          onSelect={onSelect}
          onOpen={(i) => { probe.opened = i; setOpened(i); }}
          onLegendToggle={(c, solo) => setLegend((l) => l.map((e, i) => ({ ...e, visible: solo ? i === c : i === c ? !e.visible : e.visible })))}
        />
        <button
          type="button"
          data-testid="demo-relayout"
          style={{ position: 'absolute', left: 130, bottom: 12 }}
          title="A new layout with the same points (as a live UMAP update would send): points glide"
          onClick={() => setCoords((c) => (c === data.coords ? tightened(data, 0.55) : data.coords))}
        >
          New layout
        </button>
        <select
          data-testid="demo-mode"
          value={mode}
          style={{ position: 'absolute', left: 12, bottom: 12 }}
          onChange={(e) => { const m = e.target.value as ColorMode; setMode(m); setLegend(legendFor(m)); }}
        >
          <option value="none">no colour</option>
          <option value="cluster">cluster</option>
          <option value="confidence">confidence</option>
        </select>
      </div>
      {opened !== null && (
        <aside data-testid="demo-inspector" style={{ width: 220, padding: 12, color: '#e7eaf1', background: '#171b24', font: '13px system-ui' }}>
          <img src={thumbUrl(data.ids[opened], 128)} width={196} height={196} alt="" style={{ borderRadius: 8 }} />
          <p>Image #{data.ids[opened]} · cluster {data.categories[opened]}</p>
          <button type="button" onClick={() => setFly(opened)}>Fly to</button>{' '}
          <button type="button" onClick={() => setOpened(null)}>Close</button>
        </aside>
      )}
    </div>
  );
}

createRoot(document.getElementById('root')!).render(<StrictMode><Demo /></StrictMode>);
