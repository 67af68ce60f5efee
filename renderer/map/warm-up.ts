import { mapRenderer, mapRendererLent } from './gl-context';
import { MapScene } from './map-scene';

/**
 * Pays the map's one-off GPU costs in idle time soon after a project opens, instead of when
 * the Map tab first opens (perhaps while a job runs): creating the WebGL context, and
 * compiling the point, hover-marker and picking shaders. With software GL each of these
 * blocks the main thread for 100–400 ms. Each step is its own idle task. The warm scene is
 * released with its materials kept, so three keeps the compiled programs for the real map.
 * (The sprite shader compiles on the first zoom-in.)
 */
export function warmUpMap(): () => void {
  let cancelled = false;
  let scene: MapScene | null = null;
  let handle = 0;
  const steps: (() => void)[] = [
    () => void mapRenderer(),
    () => {
      scene = new MapScene(mapRenderer(), () => '');
      scene.resize(16, 16);
      scene.setPoints(new Float32Array(3), false);
      scene.renderNow();
      scene.cancelRender();
    },
    () => {
      scene!.setHover(0);
      scene!.renderNow();
      scene!.cancelRender();
    },
    () => void scene!.pick(8, 8),
  ];
  const finish = (): void => {
    scene?.dispose({ keepShaders: true });
    scene = null;
  };
  let first = true;
  const next = (): void => {
    const step = steps.shift();
    // A map view that opened meanwhile owns the canvas (and compiles what it needs itself).
    if (cancelled || !step || (!first && mapRendererLent())) return finish();
    first = false;
    try {
      step();
    } catch {
      // No WebGL: the Map tab says so when it opens.
      return finish();
    }
    handle = idle(next);
  };
  handle = idle(next);
  return () => {
    cancelled = true;
    cancelIdle(handle);
    finish();
  };
}

function idle(f: () => void): number {
  return typeof requestIdleCallback === 'function' ? requestIdleCallback(f, { timeout: 3000 }) : (setTimeout(f, 200) as unknown as number);
}

function cancelIdle(h: number): void {
  if (typeof cancelIdleCallback === 'function') cancelIdleCallback(h);
  else clearTimeout(h);
}
