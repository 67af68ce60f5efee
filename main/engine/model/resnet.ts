/**
 * ResNet encoders (torchvision BasicBlock layout and names). The representation is the
 * global-average-pooled output of the last stage.
 *   resnet18: [2,2,2,2] blocks, widths 64…512 (11.2M params), for GPUs and the reference.
 *   small:    [1,1,1,1] blocks, widths 24…192 (~0.7M params), fast enough for CPU training.
 * Inputs of at most 64 px get the CIFAR stem (3×3 conv stride 1, no max-pool), as in the
 * lightly / PyTorch CIFAR benchmarks; larger ones the ImageNet stem (7×7/2 conv + 3×3/2 pool).
 */
import { SpecBuilder, type NetworkSpec } from './graph';
import { Network } from './network';

export type EncoderPreset = 'resnet18' | 'small';

export const ENCODER_PRESETS: Record<EncoderPreset, { blocks: number[]; widths: number[] }> = {
  resnet18: { blocks: [2, 2, 2, 2], widths: [64, 128, 256, 512] },
  small: { blocks: [1, 1, 1, 1], widths: [24, 48, 96, 192] },
};

/** Largest input side that still gets the CIFAR stem. */
export const CIFAR_STEM_MAX_SIZE = 64;

export function isEncoderPreset(x: string): x is EncoderPreset {
  return x in ENCODER_PRESETS;
}

export function encoderSpec(preset: EncoderPreset, inputSize: number, channels = 3): NetworkSpec {
  const { blocks, widths } = ENCODER_PRESETS[preset];
  const b = new SpecBuilder();
  const w0 = widths[0];
  if (inputSize <= CIFAR_STEM_MAX_SIZE) {
    b.convBn('conv1', 'bn1', channels, w0, 3, 1);
    b.add('relu', { op: 'relu' });
  } else {
    b.convBn('conv1', 'bn1', channels, w0, 7, 2);
    b.add('relu', { op: 'relu' });
    b.add('maxpool', { op: 'maxpool', kernel: 3, stride: 2, pad: 1 });
  }
  let inC = w0;
  blocks.forEach((count, stage) => {
    const outC = widths[stage];
    for (let i = 0; i < count; i++) {
      const p = `layer${stage + 1}.${i}`;
      const stride = i === 0 && stage > 0 ? 2 : 1;
      const from = b.last;
      b.convBn(`${p}.conv1`, `${p}.bn1`, inC, outC, 3, stride, from);
      b.add(`${p}.relu1`, { op: 'relu' });
      const main = b.convBn(`${p}.conv2`, `${p}.bn2`, outC, outC, 3, 1);
      const skip = stride !== 1 || inC !== outC ? b.convBn(`${p}.downsample.0`, `${p}.downsample.1`, inC, outC, 1, stride, from) : from;
      b.add(`${p}.add`, { op: 'add' }, [main, skip]);
      b.add(`${p}.relu2`, { op: 'relu' });
      inC = outC;
    }
  });
  b.add('avgpool', { op: 'gap' });
  return { name: preset, inputShape: [inputSize, inputSize, channels], nodes: b.nodes, output: b.last, outDim: inC };
}

export interface EncoderOptions { inputSize: number; seed: number; channels?: number }

export function createEncoder(preset: EncoderPreset, opts: EncoderOptions): Network {
  return new Network(encoderSpec(preset, opts.inputSize, opts.channels ?? 3), opts.seed);
}
