import * as THREE from 'three';
import { HOVER_FRAGMENT, HOVER_VERTEX } from './shaders';

/** The hovered point drawn once more, last and ringed, so it is never buried under its neighbours. */
export class HoverMarker {
  readonly object: THREE.Points;
  private uniforms = { uPx: { value: 16 }, uColor: { value: new THREE.Color() } };

  constructor() {
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.BufferAttribute(new Float32Array(3), 3));
    this.object = new THREE.Points(g, new THREE.ShaderMaterial({
      vertexShader: HOVER_VERTEX, fragmentShader: HOVER_FRAGMENT, uniforms: this.uniforms, transparent: true, depthTest: false,
    }));
    this.object.visible = false;
    this.object.frustumCulled = false;
    this.object.renderOrder = 3;
  }

  /** Shows the marker at xyz in the point's colour (raw sRGB bytes, as the point shader shows them). */
  show(xyz: Float32Array, rgb: Uint8Array): void {
    (this.object.geometry.getAttribute('position') as THREE.BufferAttribute).copyArray(xyz).needsUpdate = true;
    this.uniforms.uColor.value.setRGB(rgb[0] / 255, rgb[1] / 255, rgb[2] / 255);
    this.object.visible = true;
  }

  hide(): void {
    this.object.visible = false;
  }

  setPixels(px: number): void {
    this.uniforms.uPx.value = px;
  }

  dispose(): void {
    this.object.geometry.dispose();
    (this.object.material as THREE.Material).dispose();
  }
}
