/** Centre and spread of the selected points, for "fly to selection". */
export function focusOf(coords: Float32Array, mask: Uint8Array): { center: [number, number, number]; radius: number } | null {
  let c = 0, sx = 0, sy = 0, sz = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    c++; sx += coords[i * 3]; sy += coords[i * 3 + 1]; sz += coords[i * 3 + 2];
  }
  if (c === 0) return null;
  const center: [number, number, number] = [sx / c, sy / c, sz / c];
  let r2 = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    r2 += (coords[i * 3] - center[0]) ** 2 + (coords[i * 3 + 1] - center[1]) ** 2 + (coords[i * 3 + 2] - center[2]) ** 2;
  }
  return { center, radius: Math.sqrt(r2 / c) };
}
