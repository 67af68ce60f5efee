import { CATEGORY_HEX } from './colors';

/**
 * Fake thumbnails for the demo: a generated canvas per id (class-coloured card with a shape and
 * the id), returned as a cached data URL so no server is needed.
 */
export function makeThumbUrl(categoryOf: (id: number) => number): (id: number, size: number) => string {
  const cache = new Map<string, string>();
  return (id, size) => {
    const px = size <= 64 ? 64 : 128;
    const key = `${id}:${px}`;
    let url = cache.get(key);
    if (url) return url;
    const c = document.createElement('canvas');
    c.width = c.height = px;
    const g = c.getContext('2d')!;
    const cat = categoryOf(id);
    const hex = CATEGORY_HEX[((cat % CATEGORY_HEX.length) + CATEGORY_HEX.length) % CATEGORY_HEX.length];
    const grad = g.createLinearGradient(0, 0, px, px);
    grad.addColorStop(0, hex);
    grad.addColorStop(1, '#11141b');
    g.fillStyle = grad;
    g.fillRect(0, 0, px, px);
    g.fillStyle = 'rgba(255,255,255,0.85)';
    g.beginPath();
    const sides = 3 + (id % 4);
    for (let s = 0; s < sides; s++) {
      const a = (2 * Math.PI * s) / sides + id;
      g.lineTo(px / 2 + Math.cos(a) * px * 0.24, px * 0.42 + Math.sin(a) * px * 0.24);
    }
    g.fill();
    g.fillStyle = '#fff';
    g.font = `bold ${Math.round(px / 6)}px sans-serif`;
    g.textAlign = 'center';
    g.fillText(String(id), px / 2, px * 0.9);
    url = c.toDataURL('image/png');
    cache.set(key, url);
    return url;
  };
}
