/** The README.md written next to an exported classifier: what is inside and how to run it. */
import type { PreprocessingInfo } from './preprocessing';

export function exportReadme(p: PreprocessingInfo, classes: string[], encoderName: string): string {
  const S = p.inputSize;
  return `# Few-shot image classifier (${encoderName} encoder + linear head)

Exported by BYOL Explorer. Classes (${classes.length}, in output order): ${classes.join(', ')} — also in \`labels.json\`.

## Files
- \`tfjs/model.json\` + \`tfjs/weights.bin\`: TensorFlow.js LayersModel (stock layers only).
- \`model.onnx\`: ONNX (opset 13), BatchNorm folded into the convolutions.
- \`labels.json\`: class names, index = output column.
- \`preprocessing.json\`: input size, resize rule, mean/std.

## Input and output (both formats)
- Input \`${p.inputName}\`: float32 \`[N, ${S}, ${S}, 3]\`, NHWC, RGB, values **0–255** (not 0–1).
  The model divides by 255 and normalises with mean ${JSON.stringify(p.mean)} / std ${JSON.stringify(p.std)} itself.
- Resize: ${p.resize.rule}.
- Output \`${p.outputName}\`: float32 \`[N, ${classes.length}]\` softmax probabilities.

## TF.js (Node, @tensorflow/tfjs or tfjs-node)
\`\`\`js
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
const json = JSON.parse(readFileSync('tfjs/model.json', 'utf8'));
const weightData = new Uint8Array(readFileSync('tfjs/weights.bin')).buffer;
const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData }));
const labels = JSON.parse(readFileSync('labels.json', 'utf8'));
const px = await sharp('photo.jpg').rotate().resize(${S}, ${S}, { fit: 'cover' }).flatten().removeAlpha().raw().toBuffer();
const probs = model.predict(tf.tensor4d(Float32Array.from(px), [1, ${S}, ${S}, 3]));
console.log(labels[probs.argMax(-1).dataSync()[0]]);
\`\`\`
In a browser: \`const model = await tf.loadLayersModel('https://…/tfjs/model.json')\` and feed
\`tf.image.resizeBilinear(tf.cast(tf.browser.fromPixels(img), 'float32'), [${S}, ${S}]).expandDims(0)\`
(centre-crop the image to a square first; values stay 0–255).

## ONNX Runtime (Node)
\`\`\`js
import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
const session = await ort.InferenceSession.create('model.onnx');
const labels = JSON.parse(readFileSync('labels.json', 'utf8'));
const px = await sharp('photo.jpg').rotate().resize(${S}, ${S}, { fit: 'cover' }).flatten().removeAlpha().raw().toBuffer();
const input = new ort.Tensor('float32', Float32Array.from(px), [1, ${S}, ${S}, 3]);
const { ${p.outputName} } = await session.run({ ${p.inputName}: input });
const p = Array.from(${p.outputName}.data);
console.log(labels[p.indexOf(Math.max(...p))]);
\`\`\`

## ONNX Runtime (Python)
\`\`\`python
import json, numpy as np, onnxruntime as ort
from PIL import Image, ImageOps
session = ort.InferenceSession("model.onnx")
labels = json.load(open("labels.json"))
img = ImageOps.fit(ImageOps.exif_transpose(Image.open("photo.jpg")).convert("RGB"), (${S}, ${S}), Image.LANCZOS)
x = np.asarray(img, dtype=np.float32)[None]  # [1, ${S}, ${S}, 3], values 0-255
probs = session.run(["${p.outputName}"], {"${p.inputName}": x})[0][0]
print(labels[int(probs.argmax())], float(probs.max()))
\`\`\`
`;
}
