import * as THREE from 'three';
import { SPRITE_FRAGMENT, SPRITE_VERTEX } from './shaders';

const PAGE = 2048;
const CELL = 64;
const PER_ROW = PAGE / CELL;
const PER_PAGE = PER_ROW * PER_ROW;

interface Slot {
  page: number;
  cell: number;
  index: number; // point index held, -1 when free
  loaded: boolean;
  stamp: number;
}

/**
 * Thumbnail sprites for the points nearest the camera. Thumbnails live in paged 2048² atlas
 * textures of 64×64 cells (1024 per page); slots are reused least-recently-wanted first, so
 * memory stays bounded however far the user wanders. Each page is one Points draw call.
 */
export class SpriteAtlas {
  readonly group = new THREE.Group();
  private slots: Slot[] = [];
  private byIndex = new Map<number, Slot>();
  private pages: { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D; tex: THREE.CanvasTexture; points: THREE.Points }[] = [];
  private wanted: Int32Array = new Int32Array(0);
  private stamp = 0;
  private uniforms = { uScale: { value: 1 }, uMaxPx: { value: 160 } };
  private scratch = document.createElement('canvas');
  private scratchTex: THREE.CanvasTexture;

  constructor(
    private readonly coords: () => Float32Array,
    private readonly url: (index: number) => string,
    private readonly onChange: () => void,
    /** Uploads one cell (texSubImage2D) so a new thumbnail never re-sends the whole 16 MB page. */
    private readonly upload: (src: THREE.Texture, dst: THREE.Texture, x: number, y: number) => void,
    pageCount = 2,
  ) {
    this.scratch.width = this.scratch.height = CELL;
    this.scratchTex = new THREE.CanvasTexture(this.scratch);
    for (let p = 0; p < pageCount; p++) {
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = PAGE;
      const ctx = canvas.getContext('2d')!;
      const tex = new THREE.CanvasTexture(canvas);
      tex.flipY = false; // canvas row 0 then matches gl_PointCoord's top
      tex.colorSpace = THREE.NoColorSpace; // sample the bytes as-is, like the point colours
      tex.minFilter = THREE.LinearFilter;
      tex.generateMipmaps = false;
      // Allocate only: cells arrive one by one (upload below). Sending the blank 16 MB page
      // first blocked the main thread for ~250 ms per page on software GL.
      tex.source.dataReady = false;
      const geo = new THREE.BufferGeometry();
      geo.setAttribute('position', new THREE.BufferAttribute(new Float32Array(PER_PAGE * 3), 3));
      geo.setAttribute('aCell', new THREE.BufferAttribute(new Float32Array(PER_PAGE), 1));
      geo.setDrawRange(0, 0);
      const mat = new THREE.ShaderMaterial({
        vertexShader: SPRITE_VERTEX,
        fragmentShader: SPRITE_FRAGMENT,
        uniforms: { ...this.uniforms, uAtlas: { value: tex }, uCellsPerRow: { value: PER_ROW } },
        depthTest: true,
        depthWrite: true,
        // In three's transparent pass like the points, so renderOrder puts sprites on top of them.
        transparent: true,
      });
      const points = new THREE.Points(geo, mat);
      points.frustumCulled = false;
      points.renderOrder = 2;
      this.group.add(points);
      this.pages.push({ canvas, ctx, tex, points });
      for (let c = 0; c < PER_PAGE; c++) this.slots.push({ page: p, cell: c, index: -1, loaded: false, stamp: 0 });
    }
  }

  get capacity(): number {
    return this.slots.length;
  }

  setScale(scale: number, maxPx: number): void {
    this.uniforms.uScale.value = scale;
    this.uniforms.uMaxPx.value = maxPx;
  }

  /** Shows sprites for exactly these point indices (nearest first), loading the missing ones. */
  show(indices: Int32Array): void {
    this.stamp++;
    this.wanted = indices.length > this.slots.length ? indices.subarray(0, this.slots.length) : indices;
    const keep = new Set<number>(this.wanted);
    for (const i of this.wanted) {
      let slot = this.byIndex.get(i);
      if (!slot) {
        slot = this.evictable(keep);
        if (!slot) break;
        if (slot.index >= 0) this.byIndex.delete(slot.index);
        slot.index = i;
        slot.loaded = false;
        this.byIndex.set(i, slot);
        this.load(slot, i);
      }
      slot.stamp = this.stamp;
    }
    this.rebuild();
  }

  private evictable(keep: Set<number>): Slot | undefined {
    let best: Slot | undefined;
    for (const s of this.slots) {
      if (s.index < 0) return s;
      if (keep.has(s.index)) continue;
      if (!best || s.stamp < best.stamp) best = s;
    }
    return best;
  }

  private load(slot: Slot, index: number): void {
    const img = new Image();
    const src = this.url(index);
    if (!src.startsWith('data:') && !src.startsWith('blob:')) img.crossOrigin = 'anonymous';
    img.onload = () => {
      if (slot.index !== index) return; // evicted while loading
      const page = this.pages[slot.page];
      const x = (slot.cell % PER_ROW) * CELL, y = Math.floor(slot.cell / PER_ROW) * CELL;
      // Centre-crop to a square so every sprite fills its card.
      const s = Math.min(img.naturalWidth, img.naturalHeight);
      const sx = (img.naturalWidth - s) / 2, sy = (img.naturalHeight - s) / 2;
      this.scratch.getContext('2d')!.drawImage(img, sx, sy, s, s, 0, 0, CELL, CELL);
      this.upload(this.scratchTex, page.tex, x, y);
      // The page canvas keeps a copy, so a full re-upload (context restore) stays correct.
      page.ctx.drawImage(this.scratch, x, y);
      slot.loaded = true;
      this.rebuild();
      this.onChange();
    };
    img.src = src;
  }

  /** Writes the loaded, wanted sprites into each page's small geometry (≤ 1024 points). */
  private rebuild(): void {
    const coords = this.coords();
    const counts = this.pages.map(() => 0);
    for (const i of this.wanted) {
      const s = this.byIndex.get(i);
      if (!s || !s.loaded) continue;
      const geo = this.pages[s.page].points.geometry;
      const pos = geo.getAttribute('position') as THREE.BufferAttribute;
      const cell = geo.getAttribute('aCell') as THREE.BufferAttribute;
      const k = counts[s.page]++;
      (pos.array as Float32Array).set(coords.subarray(i * 3, i * 3 + 3), k * 3);
      (cell.array as Float32Array)[k] = s.cell;
    }
    this.pages.forEach((p, j) => {
      const geo = p.points.geometry;
      geo.setDrawRange(0, counts[j]);
      for (const name of ['position', 'aCell']) {
        const a = geo.getAttribute(name) as THREE.BufferAttribute;
        a.clearUpdateRanges();
        a.addUpdateRange(0, counts[j] * a.itemSize);
        a.needsUpdate = true;
      }
    });
  }

  /** After a lost WebGL context comes back: re-send whole pages from their canvas copies. */
  reuploadPages(): void {
    for (const p of this.pages) {
      p.tex.source.dataReady = true;
      p.tex.needsUpdate = true;
    }
  }

  /** Count of sprites currently drawn, for tests and the status line. */
  drawn(): number {
    return this.pages.reduce((a, p) => a + p.points.geometry.drawRange.count, 0);
  }

  dispose(): void {
    this.scratchTex.dispose();
    for (const p of this.pages) {
      p.tex.dispose();
      p.points.geometry.dispose();
      (p.points.material as THREE.Material).dispose();
    }
  }
}
