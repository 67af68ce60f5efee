/**
 * For the export round-trip children: decodes images using only what an export folder's
 * preprocessing.json says, as a user of the exported model would (no app code involved).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

export interface ChildPreprocessing {
  inputSize: number;
  inputName: string;
  outputName: string;
  valueRange: [number, number];
  resize: { fit: 'cover'; position: 'centre'; kernel: 'lanczos3'; alphaBackground: [number, number, number] };
}

export function readPreprocessing(exportDir: string): ChildPreprocessing {
  return JSON.parse(readFileSync(path.join(exportDir, 'preprocessing.json'), 'utf8')) as ChildPreprocessing;
}

export async function decodeForExport(p: ChildPreprocessing, files: string[]): Promise<Float32Array> {
  const S = p.inputSize;
  const [r, g, b] = p.resize.alphaBackground;
  const out = new Float32Array(files.length * S * S * 3);
  for (let i = 0; i < files.length; i++) {
    const px = await sharp(files[i]).rotate()
      .resize(S, S, { fit: p.resize.fit, position: p.resize.position, kernel: p.resize.kernel })
      .flatten({ background: { r, g, b } }).toColourspace('srgb').raw().toBuffer();
    out.set(Float32Array.from(px), i * S * S * 3);
  }
  return out;
}
