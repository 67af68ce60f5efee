import { useCallback, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import type { MapScene } from './map-scene';
import { selectInShape, type ScreenShape } from './select-async';
import type { SelectMode } from './state-flags';

export type MapTool = 'orbit' | 'lasso' | 'box';

export interface PointerCallbacks {
  onHover(index: number, x: number, y: number): void;
  onClick(index: number, mode: SelectMode | null): void;
  onSelect(indices: Int32Array, mode: SelectMode): void;
}

/** Shift adds, Alt or Ctrl/Cmd subtracts, nothing replaces. */
export function modifierMode(e: { shiftKey: boolean; altKey: boolean; ctrlKey: boolean; metaKey: boolean }): SelectMode {
  return e.altKey || e.ctrlKey || e.metaKey ? 'subtract' : e.shiftKey ? 'add' : 'replace';
}

/**
 * Hover picking (at most one GPU pick per animation frame), click-to-open, and lasso/box drawing.
 * The lasso's O(n) projection runs once when it closes, never while drawing.
 */
export function useMapPointer(sceneRef: { current: MapScene | null }, tool: MapTool, cb: { current: PointerCallbacks }) {
  const [path, setPath] = useState<number[] | null>(null);
  const pathRef = useRef<number[] | null>(null);
  const down = useRef<{ x: number; y: number; moved: boolean } | null>(null);
  const pending = useRef(0);
  const last = useRef({ x: 0, y: 0 });

  const local = (e: ReactPointerEvent<HTMLElement>): [number, number] => {
    const r = e.currentTarget.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };

  const onPointerMove = useCallback((e: ReactPointerEvent<HTMLElement>) => {
    const [x, y] = local(e);
    const d = down.current;
    if (d) d.moved ||= Math.hypot(x - d.x, y - d.y) > 4;
    if (pathRef.current) {
      const p = pathRef.current;
      if (tool === 'box') pathRef.current = [p[0], p[1], x, y];
      else if (Math.hypot(x - p[p.length - 2], y - p[p.length - 1]) >= 3) pathRef.current = [...p, x, y];
      setPath(pathRef.current);
      return;
    }
    last.current = { x, y };
    if (e.buttons !== 0 || pending.current) return; // no picking while orbiting
    pending.current = requestAnimationFrame(() => {
      pending.current = 0;
      const s = sceneRef.current;
      if (s) cb.current.onHover(s.pick(last.current.x, last.current.y), last.current.x, last.current.y);
    });
  }, [tool, sceneRef, cb]);

  const onPointerDown = useCallback((e: ReactPointerEvent<HTMLElement>) => {
    const [x, y] = local(e);
    down.current = { x, y, moved: false };
    if (tool !== 'orbit' && e.button === 0) {
      e.currentTarget.setPointerCapture(e.pointerId);
      pathRef.current = [x, y];
      setPath(pathRef.current);
    }
  }, [tool]);

  const onPointerUp = useCallback((e: ReactPointerEvent<HTMLElement>) => {
    const [x, y] = local(e);
    const s = sceneRef.current;
    const poly = pathRef.current;
    pathRef.current = null;
    setPath(null);
    const start = down.current;
    down.current = null;
    if (!s || !start) return;
    // A closed lasso ends where it began, so "moved" means anywhere during the drag.
    const moved = start.moved || Math.hypot(x - start.x, y - start.y) > 4;
    if (poly && moved) {
      const { width, height } = s.getSize();
      const shape: ScreenShape = tool === 'box' ? { kind: 'box', x0: poly[0], y0: poly[1], x1: x, y1: y } : { kind: 'polygon', points: [...poly, x, y] };
      const mode = modifierMode(e);
      void selectInShape(s.coordsView(), s.viewProjection(), width, height, shape, s.hiddenMask()).then((hits) => cb.current.onSelect(hits, mode));
      return;
    }
    if (!moved && e.button === 0) {
      const hit = s.pick(x, y);
      const mods = e.shiftKey || e.altKey || e.ctrlKey || e.metaKey;
      cb.current.onClick(hit, mods ? modifierMode(e) : null);
    }
  }, [tool, sceneRef, cb]);

  const onPointerLeave = useCallback(() => {
    if (!pathRef.current) cb.current.onHover(-1, 0, 0);
  }, [cb]);

  const cancel = useCallback(() => {
    const had = pathRef.current !== null;
    pathRef.current = null;
    setPath(null);
    return had;
  }, []);

  return { path, cancel, handlers: { onPointerMove, onPointerDown, onPointerUp, onPointerLeave } };
}
