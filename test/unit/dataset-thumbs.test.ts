import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentHash } from '../../main/dataset/process-file';
import { ThumbWriter, thumbPath } from '../../main/dataset/thumbs';
import { tempDir } from '../helpers/paths';

describe('ThumbWriter', () => {
  it('writes both sizes, hard-links identical ones, and can rewrite after an interrupted run', async () => {
    const tmp = await tempDir('byol-thumbs-');
    try {
      const w = new ThumbWriter(tmp.dir);
      const same = Buffer.from('same bytes for both sizes');
      const h1 = contentHash(same);
      await w.write(h1, same, same);
      await w.write(h1, same, same); // again, as a re-ingest after a kill would
      expect(readFileSync(thumbPath(tmp.dir, h1, 'small'))).toEqual(same);
      expect(readFileSync(thumbPath(tmp.dir, h1, 'large'))).toEqual(same);
      expect(statSync(thumbPath(tmp.dir, h1, 'small')).ino).toBe(statSync(thumbPath(tmp.dir, h1, 'large')).ino);
      expect(w.has(h1)).toBe(true);

      const h2 = contentHash(Buffer.from('other'));
      expect(w.has(h2)).toBe(false);
      await w.write(h2, Buffer.from('large'), Buffer.from('small'));
      expect(readFileSync(thumbPath(tmp.dir, h2, 'large'), 'utf8')).toBe('large');
      expect(readFileSync(thumbPath(tmp.dir, h2, 'small'), 'utf8')).toBe('small');
    } finally {
      await tmp.cleanup();
    }
  });

  it('turns an unusable cache into one clear error', async () => {
    const tmp = await tempDir('byol-thumbs-');
    try {
      const notADir = path.join(tmp.dir, 'cache');
      writeFileSync(notADir, 'a file where the cache folder should be');
      const w = new ThumbWriter(notADir);
      await expect(w.write('ab'.repeat(20), Buffer.from('x'), Buffer.from('x'))).rejects.toThrow(/^Cannot write thumbnails in .*cache \(ENOTDIR\)/);
    } finally {
      await tmp.cleanup();
    }
  });
});
