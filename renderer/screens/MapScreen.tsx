import { useCallback, useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { api } from '../api/client';
import { Icon } from '../components/Icon';
import { Inspector } from '../components/inspector/Inspector';
import { MapEmpty } from '../components/inspector/MapEmpty';
import { MapStatusBar } from '../components/inspector/MapStatusBar';
import { SelectionStrip } from '../components/inspector/SelectionStrip';
import { LiveMapBadge } from '../components/train/LiveMapBadge';
import { typingIn } from '../hooks/useShortcuts';
import { useLabelling } from '../labels/useLabelling';
import { bundleColors, COLOR_MODES, hiddenKey } from '../map/bundle-legend';
import { presizeMapCanvas } from '../map/gl-context';
import { MapView, type MapHandle } from '../map/MapView';
import { maskToIndices } from '../map/state-flags';
import { useApp } from '../state/app-store';
import { showInGrid } from '../state/grid-lists';
import { flyTaken, inspect, openMap, select, setCamera, setColorMode, toggleHidden, useMap } from '../state/map-store';
import '../styles/map-screen.css';
import { MapSidebar, type SidebarContext } from './MapSidebar';

/** What the browser test reads back; a view handle and the selected ids, nothing that writes. */
export interface MapProbe {
  handle: MapHandle | null;
  selectedIds(): number[];
}
declare global {
  interface Window { __byolMap?: MapProbe }
}

const probe: MapProbe = {
  handle: null,
  selectedIds: () => {
    const s = useMap.getState();
    return s.data && s.selection ? Array.from(maskToIndices(s.selection), (i) => s.data!.sections.ids[i]) : [];
  },
};

const thumbUrl = (id: number, px: number) => api.thumbUrl(id, px > 64 ? 'large' : 'small');

/**
 * The map's layout, invisible, in the empty state: it measures where the map view will go,
 * so the shared canvas is sized before the first layout arrives (presizeMapCanvas).
 */
function MapLayoutProbe() {
  const main = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = main.current!;
    const ro = new ResizeObserver(() => presizeMapCanvas(el.clientWidth, el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return (
    <div className="map-layout-probe" aria-hidden="true">
      <div className="map-statusbar" />
      <div className="map-body">
        <div className="map-main" ref={main} />
        <div className="map-sidebar" />
      </div>
    </div>
  );
}

/** The Map tab: build the map, explore it, colour and filter it, select, and inspect images. */
export function MapScreen() {
  const dir = useApp((s) => s.project?.dir ?? null);
  const m = useMap();
  const handle = useRef<MapHandle | null>(null);

  useEffect(() => { if (dir) void openMap(dir); }, [dir]);
  useLabelling(dir);

  const hidden = useMemo(() => new Set(m.hidden), [m.hidden]);
  const bc = useMemo(
    () => (m.data ? bundleColors(m.data.header, m.data.sections, m.colorMode, hidden) : null),
    [m.data, m.colorMode, hidden],
  );

  const data = m.data;
  // The grid's "Show on map": fly to the selection once the view has its scene.
  const flyPending = m.flyPending;
  useEffect(() => {
    if (!flyPending || !data) return;
    let frame = 0;
    const tick = () => {
      if (handle.current?.scene()) {
        flyTaken();
        void handle.current.flyToSelection();
      } else frame = requestAnimationFrame(tick);
    };
    tick();
    return () => cancelAnimationFrame(frame);
  }, [flyPending, data]);
  const setHandle = useCallback((h: MapHandle | null) => {
    handle.current = h;
    probe.handle = h;
    window.__byolMap = probe;
  }, []);

  const onLegendToggle = useCallback((c: number, solo: boolean) => {
    if (!bc) return;
    const keys = bc.colors.legend.map((e) => hiddenKey(bc.colors.mode, e.name));
    if (solo) {
      toggleHidden(keys, true);
      toggleHidden([keys[c]], false);
    } else toggleHidden([keys[c]], bc.colors.legend[c].visible);
  }, [bc]);

  const cycleColor = (step: number) => {
    const i = COLOR_MODES.indexOf(m.colorMode);
    setColorMode(COLOR_MODES[(i + step + COLOR_MODES.length) % COLOR_MODES.length]);
  };
  const goTo = (i: number) => {
    inspect(i);
    void handle.current?.flyTo(i);
  };
  const sidebar = useMemo((): SidebarContext | null => data && {
    data,
    inspectAndFly: goTo,
    selectAndFly: (i) => {
      select(Int32Array.of(i), 'replace');
      void handle.current?.flyTo(i);
    },
  }, [data]); // goTo only reads refs and store setters

  // Esc with the focus nowhere in particular (e.g. on a neighbour that was re-rendered away).
  const inspecting = m.inspected !== null;
  useEffect(() => {
    if (!inspecting) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && (e.target === document.body || e.target === document.documentElement) && !useApp.getState().helpOpen) inspect(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [inspecting]);

  // `c` cycles colours and Esc closes the inspector before the map's own Esc (lasso, selection).
  const onKeyDownCapture = (e: React.KeyboardEvent) => {
    if (typingIn(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'Escape' && m.inspected !== null) {
      inspect(null);
      e.stopPropagation();
      e.preventDefault();
    } else if ((e.key === 'c' || e.key === 'C') && m.data && (e.target as HTMLElement).tagName !== 'SELECT') {
      cycleColor(e.shiftKey ? -1 : 1);
      e.preventDefault();
    }
  };

  if (!dir) return null;
  if (!data || !bc) {
    return (
      <section className="map-screen" data-testid="map-panel">
        <MapEmpty loading={m.status !== 'ready'} build={m.build} error={m.buildError ?? m.loadError} />
        <MapLayoutProbe />
      </section>
    );
  }
  const hiddenHere = bc.colors.legend.some((e) => !e.visible);
  return (
    <section className="map-screen" data-testid="map-panel" onKeyDownCapture={onKeyDownCapture} data-points={data.header.n} data-layout={data.header.layout}>
      <MapStatusBar
        meta={m.meta} header={data.header} build={m.build} error={m.buildError ?? m.loadError}
        colorMode={m.colorMode} onColorMode={setColorMode}
        onShowAll={hiddenHere ? () => toggleHidden(bc.colors.legend.map((e) => hiddenKey(bc.colors.mode, e.name)), false) : undefined}
      />
      <div className="map-body">
        <div className="map-main">
          <MapView
            ref={setHandle}
            coords={data.sections.coords}
            ids={data.sections.ids}
            colors={bc.colors}
            selection={m.selection}
            thumbUrl={thumbUrl}
            onSelect={select}
            onOpen={inspect}
            onLegendToggle={onLegendToggle}
            cameraState={m.restoredCamera}
            onCameraChange={setCamera}
          />
          <LiveMapBadge />
          {bc.note && (
            <div className="map-note" data-testid="map-note" role="status">
              <Icon name="info" size={16} />
              {bc.note}
            </div>
          )}
        </div>
        {m.inspected !== null && m.inspected < data.header.n && (
          <Inspector data={data} index={m.inspected} images={m.images} onGo={goTo} onFly={() => void handle.current?.flyTo(m.inspected!)} onClose={() => inspect(null)} />
        )}
        {sidebar && <MapSidebar ctx={sidebar} />}
      </div>
      {m.selection && (
        <SelectionStrip
          data={data} selection={m.selection} onOpen={goTo}
          onFly={() => void handle.current?.flyToSelection()}
          onClear={() => select(new Int32Array(0), 'replace')}
          onShowInGrid={() => showInGrid(Array.from(maskToIndices(m.selection!), (i) => data.sections.ids[i]), { kind: 'map' })}
        />
      )}
    </section>
  );
}
