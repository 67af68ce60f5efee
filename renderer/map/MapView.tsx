import { useEffect, useImperativeHandle, useMemo, useRef, useState, type Ref } from 'react';
import { flyToPoint, type CameraState } from './camera';
import { lendMapRenderer } from './gl-context';
import { buildClassIndex, buildColorBuffer, buildHiddenMask, legendPalette, type MapColors } from './colors';
import { focusOf } from './focus';
import { handleMapKey } from './map-keys';
import { MapLegend } from './MapLegend';
import { MapScene } from './map-scene';
import { MapToolbar } from './MapToolbar';
import { buildStateBuffer, invertSelection, type SelectMode } from './state-flags';
import { useMapPointer, type MapTool, type PointerCallbacks } from './use-map-pointer';
import './map.css';

export interface MapViewProps {
  /** n*3 world coordinates. */
  coords: Float32Array;
  /** Image id per point (passed to thumbUrl). */
  ids: Int32Array;
  colors: MapColors;
  /** Per-point 0/1; owned by the parent, which applies onSelect. */
  selection?: Uint8Array | null;
  thumbUrl: (id: number, size: number) => string;
  onHover?: (index: number | null) => void;
  onSelect?: (indices: Int32Array, mode: SelectMode) => void;
  onOpen?: (index: number) => void;
  /** Toggle a legend class; `solo` asks to show only that class. */
  onLegendToggle?: (classIndex: number, solo: boolean) => void;
  /** Applied when it changes (restore a saved view); onCameraChange reports moves, debounced. */
  cameraState?: CameraState | null;
  onCameraChange?: (s: CameraState) => void;
  /** Fly to this point whenever the value changes (e.g. a neighbour clicked in the inspector). */
  flyToIndex?: number | null;
  /** Multiplies the automatic point size. */
  pointScale?: number;
  /** Clear colour, read once when the map is created. */
  background?: string;
  className?: string;
  ref?: Ref<MapHandle>;
}

export interface MapHandle {
  resetCamera(): Promise<void>;
  flyTo(index: number): Promise<void>;
  flyToSelection(): Promise<void>;
  screenshot(): Promise<Blob>;
  saveScreenshot(filename?: string): Promise<void>;
  setTool(t: MapTool): void;
  /** The view-projection matrix (column-major) and CSS size, for screen-space maths in tests. */
  viewProjection(): Float32Array;
  size(): { width: number; height: number };
  /** Draws one frame synchronously (benchmarks). */
  renderNow(): void;
  scene(): MapScene | null;
}

/** The three.js embedding map: one draw call for all points, render on demand, GPU picking. */
export function MapView(props: MapViewProps) {
  const { coords, ids, colors, selection, thumbUrl, cameraState, flyToIndex, pointScale = 1 } = props;
  const stage = useRef<HTMLDivElement>(null);
  const canvasHost = useRef<HTMLDivElement>(null);
  const sceneRef = useRef<MapScene | null>(null);
  const [tool, setTool] = useState<MapTool>('orbit');
  const [hover, setHover] = useState<{ index: number; x: number; y: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const emitted = useRef<CameraState | null>(null);
  const n = coords.length / 3;

  // The app's one WebGL context (gl-context.ts) is lent to this view while it is mounted;
  // props flow in through the effects below.
  useEffect(() => {
    let s: MapScene;
    let loan: ReturnType<typeof lendMapRenderer> | undefined;
    try {
      loan = lendMapRenderer();
      canvasHost.current!.appendChild(loan.renderer.domElement);
      s = new MapScene(loan.renderer, (i) => latest.current.thumbUrl(latest.current.ids[i], 64), latest.current.background ?? '#0d0f14');
    } catch (e) {
      loan?.giveBack();
      setError(`WebGL is not available, so the map cannot be drawn (${(e as Error).message}).`);
      return;
    }
    sceneRef.current = s;
    let timer: ReturnType<typeof setTimeout> | undefined;
    s.onCameraChange = (c) => {
      clearTimeout(timer);
      timer = setTimeout(() => { emitted.current = c; latest.current.onCameraChange?.(c); }, 200);
    };
    // The observer's first callback sizes the canvas, in the next frame's task rather than this
    // one: a drawing-buffer resize costs ~100 ms with software GL, and so does the rest of the mount.
    const ro = new ResizeObserver(() => s.resize(stage.current!.clientWidth, stage.current!.clientHeight));
    ro.observe(stage.current!);
    return () => { clearTimeout(timer); ro.disconnect(); s.dispose(); s.canvas.remove(); loan!.giveBack(); sceneRef.current = null; };
  }, []);

  useEffect(() => {
    const s = sceneRef.current;
    if (!s) return;
    const hadPoints = s.count > 0;
    s.setPoints(coords, hadPoints);
    setHover(null);
  }, [coords]);

  const classIndex = useMemo(() => buildClassIndex(colors, n), [colors.mode, colors.categories, colors.values, colors.legend.length, n]); // eslint-disable-line react-hooks/exhaustive-deps
  const paletteKey = colors.legend.map((e) => e.color).join();
  const visibleKey = colors.legend.map((e) => (e.visible ? 1 : 0)).join('');
  const colorBytes = useMemo(() => buildColorBuffer(colors, n, legendPalette(colors.legend)), [classIndex, paletteKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const hidden = useMemo(() => buildHiddenMask(classIndex, colors.legend.map((e) => e.visible)), [classIndex, visibleKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const selectedCount = useMemo(() => (selection ? selection.reduce((a, v) => a + (v ? 1 : 0), 0) : 0), [selection]);

  // Not keyed on coords: a live layout update (same n) moves points without re-sending colours.
  useEffect(() => sceneRef.current?.setColors(colorBytes), [colorBytes]);
  useEffect(() => {
    sceneRef.current?.setState(buildStateBuffer(selection, hidden, n), selectedCount > 0);
  }, [selection, hidden, n, selectedCount]);
  useEffect(() => sceneRef.current?.setPointScale(pointScale), [pointScale]);
  useEffect(() => {
    if (sceneRef.current) sceneRef.current.controls.enabled = tool === 'orbit';
  }, [tool]);
  useEffect(() => {
    if (cameraState && cameraState !== emitted.current) sceneRef.current?.setCamera(cameraState);
  }, [cameraState]);

  const api = useMemo(() => {
    const s = () => sceneRef.current;
    const flyTo = async (i: number) => {
      const sc = s();
      if (!sc || i < 0 || i >= sc.count) return;
      await sc.animateTo(flyToPoint(sc.getCamera(), sc.pointAt(i), sc.radius * 0.12));
    };
    const handle: MapHandle = {
      resetCamera: async () => { await s()?.goHome(); },
      flyTo,
      flyToSelection: async () => {
        const sc = s();
        const sel = latest.current.selection;
        const f = sc && sel ? focusOf(sc.coordsView(), sel) : null;
        if (sc && f) await sc.animateTo(flyToPoint(sc.getCamera(), f.center, Math.max(f.radius * 2.5, sc.radius * 0.05)));
      },
      screenshot: () => (s() ? s()!.screenshot() : Promise.reject(new Error('The map is not ready.'))),
      saveScreenshot: async (filename = 'embedding-map.png') => {
        const blob = await handle.screenshot();
        const a = document.createElement('a');
        a.href = URL.createObjectURL(blob);
        a.download = filename;
        a.click();
        setTimeout(() => URL.revokeObjectURL(a.href), 1000);
      },
      setTool,
      viewProjection: () => s()?.viewProjection() ?? new Float32Array(16),
      size: () => s()?.getSize() ?? { width: 0, height: 0 },
      renderNow: () => s()?.renderNow(),
      scene: s,
    };
    return handle;
  }, []);
  useImperativeHandle(props.ref, () => api, [api]);
  useEffect(() => { if (flyToIndex != null) void api.flyTo(flyToIndex); }, [flyToIndex, api]);

  const callbacks = useRef<PointerCallbacks>(null!);
  callbacks.current = {
    onHover: (i, x, y) => {
      const idx = i >= 0 && !sceneRef.current?.isHidden(i) ? i : -1;
      sceneRef.current?.setHover(idx);
      setHover((h) => (idx < 0 ? null : h?.index === idx ? { ...h, x, y } : { index: idx, x, y }));
      if ((hover?.index ?? -1) !== idx) latest.current.onHover?.(idx < 0 ? null : idx);
    },
    onClick: (i, mode) => {
      if (i < 0) return;
      if (mode) latest.current.onSelect?.(Int32Array.of(i), mode);
      else latest.current.onOpen?.(i);
    },
    onSelect: (indices, mode) => latest.current.onSelect?.(indices, mode),
  };
  const { path, cancel, handlers } = useMapPointer(sceneRef, tool, callbacks);

  const invert = () => latest.current.onSelect?.(invertSelection(selection ?? new Uint8Array(n), hidden), 'replace');
  const onKeyDown = (e: React.KeyboardEvent) => {
    const s = sceneRef.current;
    if (!s || e.ctrlKey || e.metaKey) return;
    const handled = handleMapKey(e.nativeEvent, s, {
      reset: () => void api.resetCamera(),
      flyToFocus: () => void (hover ? api.flyTo(hover.index) : api.flyToSelection()),
      clear: () => {
        if (cancel()) return;
        if (tool !== 'orbit') setTool('orbit');
        else latest.current.onSelect?.(new Int32Array(0), 'replace');
      },
      setTool,
      invert,
    });
    if (handled) e.preventDefault();
  };

  const polyPoints = path ? (tool === 'box' && path.length === 4 ? boxPath(path) : path).join(' ') : '';
  return (
    <div className={`map-view ${props.className ?? ''}`} tabIndex={0} onKeyDown={onKeyDown} data-testid="map-view">
      <div ref={stage} className={`map-stage tool-${tool}`} {...handlers}>
        <div ref={canvasHost} className="map-canvas-host" />
        {path && (
          <svg className="map-lasso" width="100%" height="100%">
            <polygon points={polyPoints} />
          </svg>
        )}
      </div>
      {error && <div className="map-error" role="alert">{error}</div>}
      <MapToolbar
        tool={tool} selected={selectedCount} total={n} onTool={setTool}
        onReset={() => void api.resetCamera()} onScreenshot={() => void api.saveScreenshot()}
        onInvert={invert}
        onClear={() => latest.current.onSelect?.(new Int32Array(0), 'replace')}
      />
      <MapLegend
        colors={colors} onToggle={props.onLegendToggle}
        onSelectClass={(c, add) => latest.current.onSelect?.(classMembers(classIndex, c, hidden), add ? 'add' : 'replace')}
      />
      {hover && hover.index < ids.length && (
        <div className="map-hover" data-testid="map-hover" data-index={hover.index} style={cardPosition(hover, sceneRef.current?.getSize())}>
          <img src={thumbUrl(ids[hover.index], 128)} alt="" width={96} height={96} />
          <span>#{ids[hover.index]}</span>
        </div>
      )}
    </div>
  );
}

/** Every visible point of one legend class, for "select this cluster / label". */
function classMembers(classIndex: Int32Array, c: number, hidden: Uint8Array): Int32Array {
  const out = new Int32Array(classIndex.length);
  let m = 0;
  for (let i = 0; i < classIndex.length; i++) if (classIndex[i] === c && !hidden[i]) out[m++] = i;
  return out.slice(0, m);
}

/** Beside the cursor, flipped to the other side near the right and bottom edges. */
function cardPosition(h: { x: number; y: number }, size = { width: Infinity, height: Infinity }): { left: number; top: number } {
  return { left: h.x + 130 > size.width ? h.x - 126 : h.x + 16, top: h.y + 150 > size.height ? h.y - 146 : h.y + 16 };
}

function boxPath([x0, y0, x1, y1]: number[]): number[] {
  return [x0, y0, x1, y0, x1, y1, x0, y1];
}
