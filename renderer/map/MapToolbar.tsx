import type { MapTool } from './use-map-pointer';

interface Props {
  tool: MapTool;
  selected: number;
  total: number;
  onTool(t: MapTool): void;
  onReset(): void;
  onScreenshot(): void;
  onInvert(): void;
  onClear(): void;
}

const TOOLS: [MapTool, string, string][] = [
  ['orbit', 'Orbit', 'O'],
  ['lasso', 'Lasso', 'L'],
  ['box', 'Box', 'B'],
];

/** Tool switcher, camera and selection actions, and the selection count. */
export function MapToolbar(p: Props) {
  return (
    <div className="map-toolbar" data-testid="map-toolbar">
      <div className="map-seg" role="radiogroup" aria-label="Map tool">
        {TOOLS.map(([t, label, key]) => (
          <button key={t} type="button" role="radio" aria-checked={p.tool === t} className={p.tool === t ? 'on' : ''} title={`${label} (${key})`} onClick={() => p.onTool(t)}>
            {label}
          </button>
        ))}
      </div>
      <button type="button" title="Reset view (R)" onClick={p.onReset}>Reset</button>
      <button type="button" title="Save the map as PNG" onClick={p.onScreenshot}>PNG</button>
      <span className="map-count" data-testid="map-selected-count">
        {p.selected.toLocaleString()} / {p.total.toLocaleString()} selected
      </span>
      <button type="button" title="Invert the selection" onClick={p.onInvert}>Invert</button>
      <button type="button" title="Clear the selection (Esc)" disabled={p.selected === 0} onClick={p.onClear}>Clear</button>
    </div>
  );
}
