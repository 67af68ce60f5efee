/** GPU ID picking: the pick pass writes index+1 as 24-bit RGB, so 0 means "no point". */
export function encodeId(index: number): [number, number, number] {
  const v = index + 1;
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

export function decodeId(r: number, g: number, b: number): number {
  return ((r << 16) | (g << 8) | b) - 1;
}

/**
 * The point under the cursor from a size×size RGBA read-back centred on it: the hit pixel
 * nearest the centre wins, so small points stay pickable without pixel-perfect aim.
 */
export function nearestPickedId(rgba: Uint8Array, size: number): number {
  const c = (size - 1) / 2;
  let best = -1, bestD = Infinity;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const o = (y * size + x) * 4;
      const id = decodeId(rgba[o], rgba[o + 1], rgba[o + 2]);
      if (id < 0) continue;
      const d = (x - c) ** 2 + (y - c) ** 2;
      if (d < bestD) { bestD = d; best = id; }
    }
  }
  return best;
}
