import * as THREE from 'three';
import { nearestPickedId } from './picking';
import { PICK_FRAGMENT, PICK_VERTEX } from './shaders';

const PICK = 9; // pick window, CSS pixels

/**
 * GPU ID picking: the same geometry drawn with an id shader (gl_VertexID + 1 as RGB) into a
 * 9×9 target under the cursor via a camera view offset, then one tiny readback.
 */
export class GpuPicker {
  private scene = new THREE.Scene();
  private target = new THREE.WebGLRenderTarget(PICK, PICK);
  private buf = new Uint8Array(PICK * PICK * 4);
  private flipped = new Uint8Array(PICK * PICK * 4);

  constructor(geometry: THREE.BufferGeometry, uniforms: Record<string, THREE.IUniform>) {
    const points = new THREE.Points(geometry, new THREE.ShaderMaterial({
      vertexShader: PICK_VERTEX, fragmentShader: PICK_FRAGMENT, uniforms, depthTest: true, depthWrite: true, blending: THREE.NoBlending,
    }));
    points.frustumCulled = false;
    this.scene.add(points);
    this.scene.background = new THREE.Color(0);
  }

  /** The point under CSS pixel (x, y) of a width×height view, or -1. */
  pick(renderer: THREE.WebGLRenderer, camera: THREE.PerspectiveCamera, width: number, height: number, x: number, y: number): number {
    const h = (PICK - 1) / 2;
    camera.setViewOffset(width, height, x - h, y - h, PICK, PICK);
    renderer.setRenderTarget(this.target);
    renderer.render(this.scene, camera);
    renderer.readRenderTargetPixels(this.target, 0, 0, PICK, PICK, this.buf);
    renderer.setRenderTarget(null);
    camera.clearViewOffset();
    // Readback rows run bottom-up; flip so row 0 is the top, as on screen.
    for (let r = 0; r < PICK; r++) this.flipped.set(this.buf.subarray((PICK - 1 - r) * PICK * 4, (PICK - r) * PICK * 4), r * PICK * 4);
    return nearestPickedId(this.flipped, PICK);
  }

  dispose(): void {
    this.target.dispose();
    this.scene.traverse((o) => { if (o instanceof THREE.Points) (o.material as THREE.Material).dispose(); });
  }
}
