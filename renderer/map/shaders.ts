/**
 * GLSL for the map. three.js compiles these as GLSL 3 (WebGL2), so `attribute`/`varying` map to
 * in/out and gl_VertexID is available: the pick pass needs no per-point id buffer at all.
 */

/** Shared sizing: world-space size with perspective, clamped in pixels; hidden points collapse. */
const SIZE_AND_STATE = /* glsl */ `
  uniform float uScale;      // worldSize * viewportHeightPx / (2 tan(fov/2))
  uniform float uMinPx;
  uniform float uMaxPx;
  uniform float uMix;        // 0→1 glide from the previous layout
  attribute float aState;    // bit0 selected, bit1 hovered, bit2 hidden
  attribute vec3 aPrev;
  float bit(float v, float b) { return mod(floor(v / b), 2.0); }
  bool placePoint(out float px) {
    float e = uMix < 0.5 ? 4.0 * uMix * uMix * uMix : 1.0 - pow(-2.0 * uMix + 2.0, 3.0) / 2.0; // easeInOutCubic
    vec4 mv = modelViewMatrix * vec4(mix(aPrev, position, e), 1.0);
    if (bit(aState, 4.0) > 0.5) { gl_Position = vec4(2.0, 2.0, 2.0, 1.0); px = 0.0; return false; }
    gl_Position = projectionMatrix * mv;
    px = clamp(uScale / max(-mv.z, 1e-6), uMinPx, uMaxPx);
    return true;
  }
`;

export const POINT_VERTEX = /* glsl */ `
  ${SIZE_AND_STATE}
  attribute vec3 aColor;
  uniform float uHasSelection;
  varying vec3 vColor;
  varying float vSelected;
  varying float vAlpha;
  void main() {
    float px;
    if (!placePoint(px)) { gl_PointSize = 0.0; return; }
    float sel = bit(aState, 1.0);
    float hov = bit(aState, 2.0);
    // With a selection, the rest fades back so the chosen points read at a glance.
    float dim = uHasSelection > 0.5 && sel < 0.5 ? 1.0 : 0.0;
    vColor = mix(aColor, vec3(dot(aColor, vec3(0.3, 0.59, 0.11))) * 0.55, dim * 0.7);
    vAlpha = mix(0.9, 0.35, dim);
    vSelected = sel;
    gl_PointSize = px * (1.0 + 0.35 * sel + 1.5 * hov) + 2.0 * sel;
  }
`;

export const POINT_FRAGMENT = /* glsl */ `
  varying vec3 vColor;
  varying float vSelected;
  varying float vAlpha;
  void main() {
    vec2 p = gl_PointCoord * 2.0 - 1.0;
    float r2 = dot(p, p);
    if (r2 > 1.0) discard;
    float r = sqrt(r2);
    // Soft round disc: a slight darker rim gives each point an edge against its neighbours.
    vec3 col = vColor * mix(1.08, 0.62, smoothstep(0.55, 1.0, r));
    float alpha = vAlpha * (1.0 - smoothstep(0.82, 1.0, r));
    if (vSelected > 0.5) {
      float ring = smoothstep(0.6, 0.72, r) * (1.0 - smoothstep(0.9, 1.0, r));
      col = mix(col, vec3(1.0), ring * 0.95);
      alpha = max(alpha, ring);
    }
    gl_FragColor = vec4(col, alpha);
  }
`;

export const PICK_VERTEX = /* glsl */ `
  ${SIZE_AND_STATE}
  varying vec3 vId;
  void main() {
    float px;
    if (!placePoint(px)) { gl_PointSize = 0.0; return; }
    float id = float(gl_VertexID + 1);
    vId = vec3(floor(id / 65536.0), mod(floor(id / 256.0), 256.0), mod(id, 256.0)) / 255.0;
    gl_PointSize = px;
  }
`;

export const PICK_FRAGMENT = /* glsl */ `
  varying vec3 vId;
  void main() {
    vec2 p = gl_PointCoord * 2.0 - 1.0;
    if (dot(p, p) > 1.0) discard;
    gl_FragColor = vec4(vId, 1.0);
  }
`;

/** The one hovered point, drawn last with a bright ring so it is never hidden under others. */
export const HOVER_VERTEX = /* glsl */ `
  uniform float uPx;
  void main() {
    gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
    gl_PointSize = uPx;
  }
`;

export const HOVER_FRAGMENT = /* glsl */ `
  uniform vec3 uColor;
  void main() {
    vec2 p = gl_PointCoord * 2.0 - 1.0;
    float r = length(p);
    if (r > 1.0) discard;
    float ring = smoothstep(0.62, 0.74, r) * (1.0 - smoothstep(0.88, 1.0, r));
    vec3 col = mix(uColor, vec3(1.0), ring);
    gl_FragColor = vec4(col, max(ring, 1.0 - smoothstep(0.6, 0.7, r)));
  }
`;

/** Thumbnail sprites: each point samples its cell of one atlas page. */
export const SPRITE_VERTEX = /* glsl */ `
  uniform float uScale;
  uniform float uMaxPx;
  attribute float aCell;
  varying vec2 vCell;
  uniform float uCellsPerRow;
  void main() {
    vec4 mv = modelViewMatrix * vec4(position, 1.0);
    gl_Position = projectionMatrix * mv;
    gl_PointSize = min(uScale / max(-mv.z, 1e-6), uMaxPx);
    vCell = vec2(mod(aCell, uCellsPerRow), floor(aCell / uCellsPerRow));
  }
`;

export const SPRITE_FRAGMENT = /* glsl */ `
  uniform sampler2D uAtlas;
  uniform float uCellsPerRow;
  varying vec2 vCell;
  void main() {
    vec2 p = abs(gl_PointCoord * 2.0 - 1.0);
    // Rounded-square card with a thin light border.
    vec2 q = max(p - 0.82, 0.0);
    float d = length(q) / 0.18;
    if (d > 1.0) discard;
    vec2 inset = (gl_PointCoord - 0.5) * 0.96 + 0.5;
    vec4 tex = texture2D(uAtlas, (vCell + inset) / uCellsPerRow);
    float border = max(step(0.955, max(p.x, p.y)), step(0.75, d));
    gl_FragColor = vec4(mix(tex.rgb, vec3(0.85, 0.88, 0.95), border * 0.8), 1.0);
  }
`;
