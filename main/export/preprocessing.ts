/**
 * What an exported classifier expects as input, in one place: the exporters fold it into
 * the models, preprocessing.json documents it, and `readImagesNHWC` applies it to files.
 * The resize rule is the training pixel cache's (EXIF rotate, cover resize, centre crop,
 * alpha flattened on black, sRGB), so exported models see what the encoder saw.
 */
import sharp from 'sharp';

export interface Normalization {
  mean: [number, number, number];
  std: [number, number, number];
}

/** The app's default normalisation (augment config defaults). */
export const IMAGENET: Normalization = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

/** The linear head on the encoder's representation: logits = features · W + b. */
export interface ClassifierHead {
  /** Row-major [d, C]. */
  W: Float32Array;
  /** [C]. */
  b: Float32Array;
  classes: string[];
}

/**
 * (x/255 − mean)/std as one per-channel affine map x·scale + shift, the form both
 * exporters use (TF.js as a 1×1 depthwise conv, ONNX as Mul/Add), exact up to rounding.
 */
export function normalizationAffine(n: Normalization): { scale: Float32Array; shift: Float32Array } {
  return {
    scale: Float32Array.from(n.std, (s) => 1 / (255 * s)),
    shift: Float32Array.from(n.mean, (m, c) => -m / n.std[c]),
  };
}

export interface PreprocessingInfo {
  inputSize: number;
  inputName: string;
  outputName: string;
  layout: 'NHWC';
  channelOrder: 'RGB';
  dtype: 'float32';
  valueRange: [number, number];
  normalizationInsideModel: true;
  mean: [number, number, number];
  std: [number, number, number];
  resize: { rule: string; fit: 'cover'; position: 'centre'; kernel: 'lanczos3'; exifRotate: true; alphaBackground: [number, number, number] };
}

export const INPUT_NAME = 'image';
export const OUTPUT_NAME = 'probabilities';

export function preprocessingInfo(inputSize: number, n: Normalization): PreprocessingInfo {
  return {
    inputSize,
    inputName: INPUT_NAME,
    outputName: OUTPUT_NAME,
    layout: 'NHWC',
    channelOrder: 'RGB',
    dtype: 'float32',
    valueRange: [0, 255],
    normalizationInsideModel: true,
    mean: [...n.mean],
    std: [...n.std],
    resize: {
      rule: `EXIF-rotate, resize so the shorter side is ${inputSize} (Lanczos3), centre-crop ${inputSize}×${inputSize}, flatten alpha on black, sRGB; feed RGB NHWC float32 with values 0–255 (the model divides by 255 and normalises with mean/std itself)`,
      fit: 'cover',
      position: 'centre',
      kernel: 'lanczos3',
      exifRotate: true,
      alphaBackground: [0, 0, 0],
    },
  };
}

/** Decodes files per the resize rule into one NHWC float32 batch with values 0–255. */
export async function readImagesNHWC(paths: string[], size: number): Promise<Float32Array> {
  const per = size * size * 3;
  const out = new Float32Array(paths.length * per);
  for (let i = 0; i < paths.length; i++) {
    const { data, info } = await sharp(paths[i])
      .rotate()
      .resize(size, size, { fit: 'cover', position: 'centre', kernel: 'lanczos3' })
      .flatten({ background: { r: 0, g: 0, b: 0 } })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.width !== size || info.height !== size || info.channels !== 3) {
      throw new Error(`${paths[i]} decoded to ${info.width}×${info.height}×${info.channels}, expected ${size}×${size}×3`);
    }
    for (let j = 0; j < per; j++) out[i * per + j] = data[j];
  }
  return out;
}
