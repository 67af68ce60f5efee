import { isContinuous, type MapColors } from './colors';

interface Props {
  colors: MapColors;
  onToggle?: (classIndex: number, solo: boolean) => void;
  onSelectClass?: (classIndex: number, add: boolean) => void;
}

/** Legend with per-class counts; click toggles a class, Alt-click shows it alone, Shift-click selects it. */
export function MapLegend({ colors, onToggle, onSelectClass }: Props) {
  if (colors.mode === 'none' || colors.legend.length === 0) return null;
  const total = colors.legend.reduce((a, e) => a + e.count, 0);
  return (
    <div className="map-legend" data-testid="map-legend">
      <div className="map-legend-title">
        <span>{colors.mode}</span>
        <span className="map-muted">{total.toLocaleString()}</span>
      </div>
      {isContinuous(colors.mode) && <div className="map-legend-ramp" />}
      <ul>
        {colors.legend.map((e, i) => (
          <li key={i} className="map-legend-item">
            <button
              type="button"
              className={e.visible ? 'map-legend-row' : 'map-legend-row hidden'}
              data-testid="map-legend-row"
              data-count={e.count}
              aria-pressed={e.visible}
              title={`${e.visible ? 'Hide' : 'Show'} this class · Alt: show only this one · Shift: select it (Ctrl+Shift: add)`}
              onClick={(ev) => (ev.shiftKey ? onSelectClass?.(i, ev.ctrlKey || ev.metaKey) : onToggle?.(i, ev.altKey))}
            >
              <span className="map-swatch" style={{ background: e.color }} />
              <span className="map-legend-name">{e.name}</span>
              <span className="map-legend-count">{e.count.toLocaleString()}</span>
            </button>
            {onSelectClass && e.visible && e.count > 0 && (
              <button
                type="button" className="map-legend-select" data-testid="map-legend-select"
                title={`Select every ${e.name} point (Ctrl: add to the selection)`} aria-label={`Select ${e.name}`}
                onClick={(ev) => onSelectClass(i, ev.ctrlKey || ev.metaKey)}
              >
                ⊕
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
