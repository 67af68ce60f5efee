import type { MapHeader, MapSections } from '../../preload/map-bundle';
import { buildClassIndex, CATEGORY_HEX, countClasses, isContinuous, rampColor, type ColorMode, type LegendEntry, type MapColors } from './colors';

/** Every colour mode the map offers, in the order the `c` key cycles through them. */
export const COLOR_MODES: ColorMode[] = ['folder', 'cluster', 'label', 'predicted', 'confidence', 'outlier', 'duplicate'];

export const COLOR_MODE_NAMES: Record<ColorMode, string> = {
  none: 'No colour', folder: 'Folder', cluster: 'Cluster', label: 'Label', predicted: 'Predicted label',
  confidence: 'Confidence', outlier: 'Outlier score', duplicate: 'Exact duplicates',
};

/** Why a mode has nothing to show yet, and what to do about it. */
const EMPTY_NOTES: Partial<Record<ColorMode, string>> = {
  folder: 'No folders on the map.',
  cluster: 'No clusters yet — run clustering.',
  label: 'No labels yet — label a few images.',
  predicted: 'No predictions yet — propagate labels.',
  confidence: 'No predictions yet — propagate labels.',
  outlier: 'No outlier scores yet — rebuild the map.',
};

const BINS = 5;

function hex(rgb: [number, number, number]): string {
  return `#${rgb.map((c) => Math.round(c * 255).toString(16).padStart(2, '0')).join('')}`;
}

/** The key under which a hidden legend class is persisted (map.state `hidden`). */
export const hiddenKey = (mode: ColorMode, name: string): string => `${mode}:${name}`;

export interface BundleColors {
  colors: MapColors;
  /** Set when the mode has no data yet (e.g. clustering never ran). */
  note: string | null;
}

/** Colours and legend for one mode of a decoded map bundle; `hidden` holds hiddenKey()s. */
export function bundleColors(header: MapHeader, s: MapSections, mode: ColorMode, hidden: ReadonlySet<string>): BundleColors {
  const n = header.n;
  let names: string[] = [];
  let palette: string[] = [];
  let categories: Int32Array | undefined;
  let values: Float32Array | undefined;
  let note: string | null = null;
  if (isContinuous(mode)) {
    values = mode === 'confidence' ? s.confidence : s.outlier;
    if (!values.some(Number.isFinite)) {
      note = EMPTY_NOTES[mode]!;
      values = undefined; // all grey, rather than the ramp's darkest colour
    } else {
      names = Array.from({ length: BINS }, (_, i) => `${(i / BINS).toFixed(1)}–${((i + 1) / BINS).toFixed(1)}`);
      palette = names.map((_, i) => hex(rampColor((i + 0.5) / BINS)));
    }
  } else if (mode === 'duplicate') {
    // Groups can number in the thousands: two classes say more than a legend of groups.
    categories = new Int32Array(n);
    for (let i = 0; i < n; i++) categories[i] = s.duplicate[i] >= 0 ? 0 : 1;
    names = ['has an exact duplicate', 'unique'];
    palette = ['#f28e2b', '#4e5566'];
    if (!s.duplicate.some((g) => g >= 0)) note = 'No exact duplicates in this project.';
  } else if (mode === 'folder' || mode === 'cluster') {
    names = mode === 'folder' ? header.folders.map((f) => f || '(top folder)') : header.clusters;
    categories = mode === 'folder' ? s.folder : s.cluster;
    palette = names.map((_, i) => CATEGORY_HEX[i % CATEGORY_HEX.length]);
  } else if (mode === 'label' || mode === 'predicted') {
    names = header.labels.map((l) => l.name);
    palette = header.labels.map((l, i) => (/^#[0-9a-f]{6}$/i.test(l.color) ? l.color : CATEGORY_HEX[i % CATEGORY_HEX.length]));
    categories = mode === 'label' ? s.label : s.predicted;
  }
  if (categories && mode !== 'duplicate' && (names.length === 0 || !categories.some((c) => c >= 0 && c < names.length))) {
    note = EMPTY_NOTES[mode] ?? null;
    names = [];
  }
  const stub: MapColors = { mode, categories, values, legend: names.map((name) => ({ name, color: '#000000', count: 0, visible: true })) };
  const counts = countClasses(buildClassIndex(stub, n), names.length);
  const legend: LegendEntry[] = names.map((name, i) => ({ name, color: palette[i], count: counts[i], visible: !hidden.has(hiddenKey(mode, name)) }));
  return { colors: { mode, categories, values, legend }, note };
}
