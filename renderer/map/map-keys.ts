import { dollyCamera, orbitCamera } from './camera';
import type { MapScene } from './map-scene';
import type { MapTool } from './use-map-pointer';

export interface KeyActions {
  reset(): void;
  flyToFocus(): void;
  clear(): void;
  setTool(t: MapTool): void;
  /** Optional so embedders without a selection model can leave it out. */
  invert?(): void;
}

const STEP = Math.PI / 36; // 5° per arrow press

/** The map's keyboard shortcuts; returns true when the key was handled. */
export function handleMapKey(e: KeyboardEvent | { key: string; shiftKey: boolean }, scene: MapScene, a: KeyActions): boolean {
  const cam = scene.getCamera();
  switch (e.key) {
    case 'r': case 'R': a.reset(); return true;
    case 'f': case 'F': a.flyToFocus(); return true;
    case '+': case '=': scene.setCamera(dollyCamera(cam, 0.8)); return true;
    case '-': case '_': scene.setCamera(dollyCamera(cam, 1.25)); return true;
    case 'ArrowLeft': scene.setCamera(orbitCamera(cam, -STEP, 0)); return true;
    case 'ArrowRight': scene.setCamera(orbitCamera(cam, STEP, 0)); return true;
    case 'ArrowUp': scene.setCamera(orbitCamera(cam, 0, -STEP)); return true;
    case 'ArrowDown': scene.setCamera(orbitCamera(cam, 0, STEP)); return true;
    case 'Escape': a.clear(); return true;
    case 'l': case 'L': a.setTool('lasso'); return true;
    case 'b': case 'B': a.setTool('box'); return true;
    case 'o': case 'O': a.setTool('orbit'); return true;
    case 'i': case 'I': if (!a.invert) return false; a.invert(); return true;
    default: return false;
  }
}

export const MAP_SHORTCUTS: [string, string][] = [
  ['Drag', 'orbit · right-drag pan · wheel zoom'],
  ['L / B / O', 'lasso · box · orbit tool'],
  ['Shift / Alt', 'add to / subtract from selection'],
  ['R', 'reset view'],
  ['F', 'fly to hovered point or selection'],
  ['+ / −', 'zoom'],
  ['Arrows', 'orbit'],
  ['I', 'invert selection'],
  ['C', 'next colour mode (Shift: previous)'],
  ['Click', 'inspect an image and its neighbours'],
  ['Shift-click legend', 'select a whole class'],
  ['Esc', 'close inspector, cancel lasso, clear selection'],
];
