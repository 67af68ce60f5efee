// The map's per-point data travels as one binary bundle, never as JSON arrays: a small JSON
// header followed by typed-array sections. Main encodes it (main/api/map-data.ts), the
// renderer decodes it; both transports serve it as a URL (ByolApi.dataUrl('map')).
//
// Layout: 'BYMB' magic, uint32 version, uint32 headerBytes, header JSON (UTF-8, padded with
// spaces to a multiple of 4), then each section in header.sections order, each 4-byte aligned.

export const MAP_BUNDLE_MAGIC = 0x424d5942; // 'BYMB' little-endian
export const MAP_BUNDLE_VERSION = 1;

export type SectionType = 'f32' | 'i32';

/** Per-point sections. Category sections use -1 for "none"; names are in the header. */
export interface MapSections {
  ids: Int32Array; // n image ids
  coords: Float32Array; // n*3
  folder: Int32Array; // n, index into header.folders
  cluster: Int32Array; // n, index into header.clusters or -1
  label: Int32Array; // n, index into header.labels or -1
  predicted: Int32Array; // n, index into header.labels or -1
  confidence: Float32Array; // n, 0..1, NaN where no prediction
  outlier: Float32Array; // n, 0..1 percentile rank, NaN where unknown
  duplicate: Int32Array; // n, exact-duplicate group index or -1
}

export interface MapHeader {
  n: number;
  /** 'pca' while only the instant preview exists, 'umap' once the layout is done. */
  layout: 'pca' | 'umap' | 'none';
  runId: string | null;
  folders: string[];
  clusters: string[];
  labels: { name: string; color: string }[];
  sections: { name: keyof MapSections; type: SectionType; length: number }[];
}

const SECTION_TYPES: Record<keyof MapSections, SectionType> = {
  ids: 'i32',
  coords: 'f32',
  folder: 'i32',
  cluster: 'i32',
  label: 'i32',
  predicted: 'i32',
  confidence: 'f32',
  outlier: 'f32',
  duplicate: 'i32',
};

const align4 = (x: number) => (x + 3) & ~3;

export function encodeMapBundle(header: Omit<MapHeader, 'sections'>, sections: MapSections): Uint8Array {
  const names = Object.keys(SECTION_TYPES) as (keyof MapSections)[];
  const full: MapHeader = { ...header, sections: names.map((name) => ({ name, type: SECTION_TYPES[name], length: sections[name].length })) };
  let json = new TextEncoder().encode(JSON.stringify(full));
  const padded = align4(json.length);
  if (padded !== json.length) json = new TextEncoder().encode(JSON.stringify(full) + ' '.repeat(padded - json.length));
  const total = 12 + json.length + names.reduce((s, n) => s + sections[n].byteLength, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAP_BUNDLE_MAGIC, true);
  view.setUint32(4, MAP_BUNDLE_VERSION, true);
  view.setUint32(8, json.length, true);
  out.set(json, 12);
  let off = 12 + json.length;
  for (const n of names) {
    const arr = sections[n];
    out.set(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength), off);
    off += arr.byteLength;
  }
  return out;
}

export function decodeMapBundle(buf: ArrayBuffer): { header: MapHeader; sections: MapSections } {
  const view = new DataView(buf);
  if (buf.byteLength < 12 || view.getUint32(0, true) !== MAP_BUNDLE_MAGIC) throw new Error('Not a map bundle.');
  if (view.getUint32(4, true) !== MAP_BUNDLE_VERSION) throw new Error('Map bundle version mismatch: reload the app.');
  const headerBytes = view.getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 12, headerBytes))) as MapHeader;
  let off = 12 + headerBytes;
  const sections = {} as Record<string, Int32Array | Float32Array>;
  for (const s of header.sections) {
    // Copy so every section is 4-byte aligned on its own buffer whatever the offset.
    const bytes = buf.slice(off, off + s.length * 4);
    sections[s.name] = s.type === 'f32' ? new Float32Array(bytes) : new Int32Array(bytes);
    off += s.length * 4;
  }
  return { header, sections: sections as unknown as MapSections };
}
