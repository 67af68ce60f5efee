/** Camera state that can be saved in the project, plus the small maths of fly-to and orbit keys. */

export interface CameraState {
  position: [number, number, number];
  target: [number, number, number];
}

export function easeInOutCubic(t: number): number {
  return t < 0.5 ? 4 * t * t * t : 1 - (-2 * t + 2) ** 3 / 2;
}

function lerp3(a: readonly number[], b: readonly number[], t: number): [number, number, number] {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

export function interpolateCamera(a: CameraState, b: CameraState, t: number): CameraState {
  const e = easeInOutCubic(Math.min(1, Math.max(0, t)));
  return { position: lerp3(a.position, b.position, e), target: lerp3(a.target, b.target, e) };
}

/** The default view: the whole cloud, seen from a slightly raised front-right angle. */
export function homeCamera(center: readonly number[], radius: number, fovDeg: number): CameraState {
  const dist = (radius / Math.sin(((fovDeg / 2) * Math.PI) / 180)) * 0.78;
  const dir = [0.35, 0.3, 1];
  const len = Math.hypot(dir[0], dir[1], dir[2]);
  return {
    position: [center[0] + (dir[0] / len) * dist, center[1] + (dir[1] / len) * dist, center[2] + (dir[2] / len) * dist],
    target: [center[0], center[1], center[2]],
  };
}

/** A view centred on `p`, keeping the current viewing direction, no farther than `maxDist`. */
export function flyToPoint(from: CameraState, p: readonly number[], maxDist: number): CameraState {
  const off = [from.position[0] - from.target[0], from.position[1] - from.target[1], from.position[2] - from.target[2]];
  const len = Math.hypot(off[0], off[1], off[2]) || 1;
  const d = Math.min(len, maxDist);
  return {
    position: [p[0] + (off[0] / len) * d, p[1] + (off[1] / len) * d, p[2] + (off[2] / len) * d],
    target: [p[0], p[1], p[2]],
  };
}

/** Orbits the camera about its target (y up) by yaw/pitch radians, keeping the distance. */
export function orbitCamera(s: CameraState, yaw: number, pitch: number): CameraState {
  const [tx, ty, tz] = s.target;
  const ox = s.position[0] - tx, oy = s.position[1] - ty, oz = s.position[2] - tz;
  const r = Math.hypot(ox, oy, oz) || 1;
  let theta = Math.atan2(ox, oz);
  let phi = Math.acos(Math.min(1, Math.max(-1, oy / r)));
  theta += yaw;
  phi = Math.min(Math.PI - 0.01, Math.max(0.01, phi + pitch));
  return {
    position: [tx + r * Math.sin(phi) * Math.sin(theta), ty + r * Math.cos(phi), tz + r * Math.sin(phi) * Math.cos(theta)],
    target: [tx, ty, tz],
  };
}

/** Moves the camera toward (factor < 1) or away from (factor > 1) its target. */
export function dollyCamera(s: CameraState, factor: number): CameraState {
  return { position: lerp3(s.target, s.position, factor), target: [...s.target] };
}
