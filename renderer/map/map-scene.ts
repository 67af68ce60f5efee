import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { animate } from './animate';
import { easeInOutCubic, homeCamera, interpolateCamera, type CameraState } from './camera';
import { sizeMapRenderer } from './gl-context';
import { GpuPicker } from './gpu-picker';
import { computeBounds, nearestPoints } from './projection';
import { HoverMarker } from './hover-marker';
import { POINT_FRAGMENT, POINT_VERTEX } from './shaders';
import { SpriteAtlas } from './sprite-atlas';
import { HIDDEN, HOVERED } from './state-flags';

const FOV = 50;

function sameCamera(a: CameraState, b: CameraState, scale: number): boolean {
  const eps = 1e-6 * Math.max(scale, 1e-9);
  return [0, 1, 2].every((k) => Math.abs(a.position[k] - b.position[k]) <= eps && Math.abs(a.target[k] - b.target[k]) <= eps);
}
const SPRITES = 400; // thumbnails shown at once when zoomed in

/**
 * The imperative three.js side of the map. It never loops: every change calls requestRender(),
 * which draws one frame on the next animation frame. Per-frame JS work is O(1); O(n) work happens
 * only when data, colours or selection change (once, not per frame).
 */
export class MapScene {
  readonly renderer: THREE.WebGLRenderer;
  readonly camera = new THREE.PerspectiveCamera(FOV, 1, 0.01, 1000);
  readonly controls: OrbitControls;
  private scene = new THREE.Scene();
  private geometry = new THREE.BufferGeometry();
  /** 0→1 while points glide from their previous layout (aPrev) to the new one (position). */
  private mix = { value: 1 };
  private pointUniforms = { uScale: { value: 1 }, uMinPx: { value: 1.5 }, uMaxPx: { value: 24 }, uHasSelection: { value: 0 }, uMix: this.mix };
  private pickUniforms = { uScale: { value: 1 }, uMinPx: { value: 3 }, uMaxPx: { value: 48 }, uMix: this.mix };
  private picker: GpuPicker;
  private stopGlide = (): void => {};
  /**
   * Set once a glide ran below ~10 fps (software GL, or a huge map on a weak GPU). Every glide
   * frame redraws all points, and the next layout's buffer upload then waits behind that queue
   * of slow frames on the main thread; such maps jump to each new layout instead.
   */
  private slowGlides = false;
  private stopFlight = (): void => {};
  private marker = new HoverMarker();
  private frame = 0;
  private spriteTimer: ReturnType<typeof setTimeout> | undefined;
  private coords: Float32Array = new Float32Array(0);
  /** Where goHome() last put the camera, and whether it is flying there now. */
  private lastHome: CameraState | null = null;
  private homing = false;
  private colorBytes = new Uint8Array(0);
  private state = new Uint8Array(0);
  private hovered = -1;
  private worldSize = 1;
  private bounds = { center: [0, 0, 0] as [number, number, number], radius: 1 };
  private size = { width: 1, height: 1 };
  private pointScale = 1;
  readonly sprites: SpriteAtlas;
  /** Number of frames drawn, for tests that assert render-on-demand. */
  frames = 0;
  onCameraChange: ((s: CameraState) => void) | null = null;

  readonly canvas: HTMLCanvasElement;
  private onContextRestored = (): void => {
    this.sprites.reuploadPages();
    this.requestRender();
  };

  /** `renderer` is the app's shared one (gl-context.ts); the scene never disposes it. */
  constructor(renderer: THREE.WebGLRenderer, thumbUrl: (index: number) => string, background = '#0d0f14') {
    this.renderer = renderer;
    const canvas = (this.canvas = renderer.domElement);
    this.renderer.setClearColor(new THREE.Color(background), 1);
    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.enableDamping = false; // damping needs a continuous loop; we render on demand
    this.controls.zoomToCursor = true;
    this.controls.addEventListener('change', () => this.cameraMoved());
    // The user took the camera: it stays where they put it when new layouts arrive.
    this.controls.addEventListener('start', () => {
      this.stopFlight();
      this.homing = false;
      this.lastHome = null;
    });

    const points = new THREE.Points(this.geometry, new THREE.ShaderMaterial({
      vertexShader: POINT_VERTEX, fragmentShader: POINT_FRAGMENT, uniforms: this.pointUniforms,
      transparent: true, depthTest: false, depthWrite: false, blending: THREE.NormalBlending,
    }));
    points.frustumCulled = false;
    this.scene.add(points);
    this.picker = new GpuPicker(this.geometry, this.pickUniforms);

    this.scene.add(this.marker.object);

    const at = new THREE.Vector2();
    this.sprites = new SpriteAtlas(() => this.coords, thumbUrl, () => this.requestRender(), (src, dst, x, y) => this.renderer.copyTextureToTexture(src, dst, null, at.set(x, y)));
    this.scene.add(this.sprites.group);
    canvas.addEventListener('webglcontextrestored', this.onContextRestored);
  }

  /**
   * New coordinates. Same count (a live layout update): rewritten in place, and the points glide
   * from where they are drawn now over `glideMs`. Otherwise the attributes are reallocated.
   */
  setPoints(coords: Float32Array, keepCamera: boolean, glideMs = 450): void {
    const n = coords.length / 3;
    const same = n === this.coords.length / 3 && this.geometry.getAttribute('position') !== undefined;
    this.coords = coords;
    if (same) {
      // In place: the GPU buffers are reused, and the caller's array is only read.
      const pos = this.geometry.getAttribute('position') as THREE.BufferAttribute;
      const prev = this.geometry.getAttribute('aPrev') as THREE.BufferAttribute;
      const cur = pos.array as Float32Array, from = prev.array as Float32Array;
      const m = easeInOutCubic(this.mix.value);
      for (let i = 0; i < cur.length; i++) from[i] += (cur[i] - from[i]) * m; // where each point is drawn now
      cur.set(coords);
      for (const a of [pos, prev]) { a.clearUpdateRanges(); a.needsUpdate = true; }
      this.glide(glideMs);
    } else {
      this.geometry.dispose();
      this.colorBytes = new Uint8Array(n * 3);
      this.state = new Uint8Array(n);
      this.geometry.setAttribute('position', new THREE.BufferAttribute(new Float32Array(coords), 3));
      this.geometry.setAttribute('aPrev', new THREE.BufferAttribute(new Float32Array(coords), 3));
      this.mix.value = 1;
      this.geometry.setAttribute('aColor', new THREE.BufferAttribute(this.colorBytes, 3, true));
      this.geometry.setAttribute('aState', new THREE.BufferAttribute(this.state, 1, false));
      this.hovered = -1;
    }
    this.bounds = computeBounds(coords);
    // Typical spacing of n points in the cloud's ball, so a million points stay distinct.
    this.worldSize = (0.6 * this.bounds.radius) / Math.cbrt(Math.max(n, 1));
    this.camera.near = this.bounds.radius * 0.002;
    this.camera.far = this.bounds.radius * 60;
    this.updateScale();
    // A camera still at the previous layout's home follows the new one (the preview, then
    // each streamed UMAP layout, has its own centre and scale); one the user moved stays.
    if (!keepCamera) this.goHome(0);
    else if (this.homing || (this.lastHome && sameCamera(this.getCamera(), this.lastHome, this.bounds.radius))) void this.goHome(glideMs);
    this.requestRender();
  }

  /** Moves the camera to the home view of the current layout, animated over `ms`. */
  goHome(ms = 650): Promise<void> {
    const home = this.home();
    this.lastHome = home;
    if (ms <= 0) {
      this.stopFlight();
      this.homing = false;
      this.setCamera(home);
      return Promise.resolve();
    }
    const flight = this.animateTo(home, ms);
    this.homing = true; // after animateTo, which ends any other flight (and homing)
    return flight;
  }

  /** The current coordinates (read-only by convention), for screen-space selection. */
  coordsView(): Float32Array {
    return this.coords;
  }

  private glide(ms: number): void {
    this.stopGlide();
    this.mix.value = 0;
    const gaps: number[] = [];
    let last = 0;
    this.stopGlide = animate(this.slowGlides ? 0 : ms, (t) => {
      const now = performance.now();
      if (last) gaps.push(now - last);
      last = now;
      this.mix.value = t;
      this.renderNow();
    }, () => {
      if (gaps.length >= 2 && gaps.sort((a, b) => a - b)[gaps.length >> 1] > 100) this.slowGlides = true;
    });
  }

  get count(): number {
    return this.coords.length / 3;
  }

  /** Replaces all colours (mode or legend change): one full upload. */
  setColors(bytes: Uint8Array): void {
    this.colorBytes.set(bytes.subarray(0, this.colorBytes.length));
    const a = this.geometry.getAttribute('aColor') as THREE.BufferAttribute | undefined;
    if (!a) return;
    a.clearUpdateRanges();
    a.needsUpdate = true;
    this.requestRender();
  }

  /** Applies new state bytes (selection + hidden), uploading only the range that changed. */
  setState(next: Uint8Array, anySelected: boolean): void {
    let lo = -1, hi = -1;
    for (let i = 0; i < this.state.length; i++) {
      const v = next[i] | (this.state[i] & HOVERED);
      if (v !== this.state[i]) { this.state[i] = v; if (lo < 0) lo = i; hi = i; }
    }
    this.pointUniforms.uHasSelection.value = anySelected ? 1 : 0;
    if (lo >= 0) this.markState(lo, hi - lo + 1);
    this.requestRender();
  }

  isHidden(i: number): boolean {
    return i >= 0 && i < this.state.length && (this.state[i] & HIDDEN) !== 0;
  }

  hiddenMask(): Uint8Array {
    return this.state.map((v) => (v & HIDDEN ? 1 : 0));
  }

  /** Hover touches two bytes: the old and the new hovered point. */
  setHover(i: number): void {
    if (i === this.hovered) return;
    if (this.hovered >= 0 && this.hovered < this.state.length) {
      this.state[this.hovered] &= ~HOVERED;
      this.markState(this.hovered, 1);
    }
    this.hovered = i;
    if (i >= 0 && i < this.state.length) {
      this.state[i] |= HOVERED;
      this.markState(i, 1);
      this.marker.show(this.coords.subarray(i * 3, i * 3 + 3), this.colorBytes.subarray(i * 3, i * 3 + 3));
    } else {
      this.marker.hide();
    }
    this.requestRender();
  }

  private markState(start: number, count: number): void {
    const a = this.geometry.getAttribute('aState') as THREE.BufferAttribute;
    a.addUpdateRange(start, count);
    a.needsUpdate = true;
  }

  resize(width: number, height: number): void {
    this.size = { width: Math.max(1, width), height: Math.max(1, height) };
    // Often already this size: presizeMapCanvas ran when the Map tab opened.
    sizeMapRenderer(this.renderer, this.size.width, this.size.height);
    this.camera.aspect = this.size.width / this.size.height;
    this.camera.updateProjectionMatrix();
    this.updateScale();
    this.requestRender();
  }

  setPointScale(k: number): void {
    this.pointScale = k;
    this.updateScale();
    this.requestRender();
  }

  private updateScale(): void {
    const focal = this.size.height / (2 * Math.tan((FOV * Math.PI) / 360));
    const dpr = this.renderer.getPixelRatio();
    this.pointUniforms.uScale.value = this.worldSize * this.pointScale * focal * dpr;
    this.pointUniforms.uMinPx.value = 1.5 * dpr;
    this.pointUniforms.uMaxPx.value = 22 * dpr; // up close, thumbnails take over from big discs
    this.pickUniforms.uScale.value = this.worldSize * this.pointScale * focal;
    this.marker.setPixels(16 * dpr);
    this.sprites.setScale(this.worldSize * 2.2 * focal * dpr, 96 * dpr);
  }

  requestRender(): void {
    if (!this.frame) this.frame = requestAnimationFrame(() => { this.frame = 0; this.renderNow(); });
  }

  /** Drops a frame requested but not yet drawn. */
  cancelRender(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  /** Draws one frame now (used by requestRender, screenshots and the frame benchmark). */
  renderNow(): void {
    this.renderer.render(this.scene, this.camera);
    this.frames++;
  }

  /** The point under the CSS pixel (x, y), or -1; one small offscreen render and readback. */
  pick(x: number, y: number): number {
    if (this.count === 0) return -1;
    const id = this.picker.pick(this.renderer, this.camera, this.size.width, this.size.height, x, y);
    return id < this.count ? id : -1;
  }

  viewProjection(): Float32Array {
    this.camera.updateMatrixWorld();
    return new Float32Array(new THREE.Matrix4().multiplyMatrices(this.camera.projectionMatrix, this.camera.matrixWorldInverse).elements);
  }

  getSize(): { width: number; height: number } {
    return { ...this.size };
  }

  getCamera(): CameraState {
    const p = this.camera.position, t = this.controls.target;
    return { position: [p.x, p.y, p.z], target: [t.x, t.y, t.z] };
  }

  setCamera(s: CameraState): void {
    this.camera.position.set(...s.position);
    this.controls.target.set(...s.target);
    this.controls.update(); // emits 'change' → render + persistence
  }

  home(): CameraState {
    return homeCamera(this.bounds.center, this.bounds.radius, FOV);
  }

  get radius(): number {
    return this.bounds.radius;
  }

  pointAt(i: number): [number, number, number] {
    return [this.coords[i * 3], this.coords[i * 3 + 1], this.coords[i * 3 + 2]];
  }

  /** Smoothly moves the camera (reset, fly-to). */
  animateTo(to: CameraState, ms = 650): Promise<void> {
    this.stopFlight();
    this.homing = false;
    const from = this.getCamera();
    return new Promise((resolve) => {
      this.stopFlight = animate(ms, (t) => this.setCamera(interpolateCamera(from, to, t)), () => {
        this.homing = false;
        resolve();
      });
    });
  }

  private cameraMoved(): void {
    this.requestRender();
    this.onCameraChange?.(this.getCamera());
    // Choosing sprites is O(n), so it waits for the camera to settle instead of running per frame.
    clearTimeout(this.spriteTimer);
    this.spriteTimer = setTimeout(() => this.updateSprites(), 120);
  }

  /** Zoomed in far enough: thumbnails for the points nearest the orbit target. */
  updateSprites(): void {
    const c = this.getCamera();
    const dist = Math.hypot(c.position[0] - c.target[0], c.position[1] - c.target[1], c.position[2] - c.target[2]);
    const zoomedIn = dist < this.bounds.radius * 0.6;
    const near = zoomedIn ? nearestPoints(this.coords, c.target, Math.min(SPRITES, this.sprites.capacity), dist * 0.9, this.hiddenMask()) : new Int32Array(0);
    this.sprites.show(near);
    this.requestRender();
  }

  /** PNG of the current view: render and read the drawing buffer in the same task. */
  screenshot(): Promise<Blob> {
    this.renderNow();
    return new Promise((resolve, reject) => this.canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('The canvas could not be encoded as PNG.'))), 'image/png'));
  }

  rendererName(): string {
    const gl = this.renderer.getContext();
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    return String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  }

  /**
   * Releases the scene. `keepShaders` leaves the materials alive, so three keeps their
   * compiled programs cached for the next scene on the same renderer (warm-up.ts).
   */
  dispose(o: { keepShaders?: boolean } = {}): void {
    cancelAnimationFrame(this.frame);
    this.stopFlight();
    this.stopGlide();
    clearTimeout(this.spriteTimer);
    this.controls.dispose();
    this.canvas.removeEventListener('webglcontextrestored', this.onContextRestored);
    this.geometry.dispose();
    if (o.keepShaders) return;
    this.sprites.dispose();
    this.picker.dispose();
    this.marker.dispose();
  }
}
