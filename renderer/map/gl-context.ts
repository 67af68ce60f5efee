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
