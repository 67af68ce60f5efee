import * as THREE from 'three';

/**
 * One WebGL context for the app's life. Creating a context blocks the main thread (about
 * 350 ms with software GL, where the GPU process answers the first calls slowly), so it is
 * made once (warm-up.ts does it in idle time soon after a project opens), and every map
 * view borrows its canvas instead of paying that again each time the Map tab opens.
 */
let shared: THREE.WebGLRenderer | null = null;

/** The app's map renderer; throws where WebGL is unavailable (the map shows why). */
export function mapRenderer(): THREE.WebGLRenderer {
  if (!shared) {
    // No MSAA: the shader already feathers point edges, and MSAA would multiply the fill cost of 1M points.
    shared = new THREE.WebGLRenderer({ antialias: false, alpha: false, powerPreference: 'high-performance' });
    shared.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
    const canvas = shared.domElement;
    canvas.className = 'map-canvas';
    canvas.dataset.testid = 'map-canvas';
  }
  return shared;
}

let lent = 0;

/** A map view borrows the renderer's canvas while it is mounted; returns the give-back. */
export function lendMapRenderer(): { renderer: THREE.WebGLRenderer; giveBack: () => void } {
  const renderer = mapRenderer();
  lent++;
  return { renderer, giveBack: () => void lent-- };
}

/** Whether a map view is drawing on the canvas now (the warm-up then keeps off it). */
export function mapRendererLent(): boolean {
  return lent > 0;
}

/** Sets the drawing-buffer size (CSS px) unless it already has it: any resize reallocates the buffer. */
export function sizeMapRenderer(r: THREE.WebGLRenderer, width: number, height: number): void {
  const now = r.getSize(new THREE.Vector2());
  if (now.x !== width || now.y !== height) r.setSize(width, height, false);
}

/**
 * Sizes the drawing buffer for a map view about to open (the Map tab's empty state knows
 * where the view will go): allocating it costs 100-150 ms with software GL, better paid when
 * the user opens the tab than when the first layout arrives during the map build.
 */
export function presizeMapCanvas(width: number, height: number): void {
  if (lent > 0 || width < 1 || height < 1) return;
  try {
    sizeMapRenderer(mapRenderer(), width, height);
  } catch {
    // No WebGL: the map says so when it opens.
  }
}
