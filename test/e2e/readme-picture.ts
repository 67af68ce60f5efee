import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { REPO_ROOT } from '../helpers/paths';

const DIR = path.join(REPO_ROOT, 'test/e2e/screenshots');

/**
 * Copies a screenshot into the README's pictures, palette-quantized (a third of the size, no
 * visible difference), only when UPDATE_SCREENSHOTS=1: a plain test run leaves the tracked
 * pictures alone, since each run shows other temp paths and layouts.
 */
export async function updateReadmePicture(screenshot: string, name: string): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  await mkdir(DIR, { recursive: true });
  await sharp(screenshot).png({ palette: true, quality: 95, compressionLevel: 9 }).toFile(path.join(DIR, name));
}
