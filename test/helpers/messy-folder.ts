// Builds a folder of real files of every kind ingest must cope with: good images in every
// supported format and colour layout, and bad files of every kind, each with the reason (a
// pattern) ingest must give. Deterministic: pixel content comes from a seeded generator.
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

export interface GoodFile {
  relPath: string;
  /** Dimensions after EXIF orientation. */
  width: number;
  height: number;
  /** Transparent areas of alpha images must come out white in the thumbnails. */
  alpha?: boolean;
}

export interface BadFile {
  /** As ingest reports it (non-UTF-8 bytes as U+FFFD, control characters as \xNN). */
  relPath: string;
  reason: RegExp;
}

export interface MessyFolder {
  root: string;
  good: GoodFile[];
  bad: BadFile[];
  /** Images that are byte copies of another good image (duplicates beyond the first). */
  duplicates: number;
  /** What could not be created here (e.g. permission cases when running as root). */
  notes: string[];
  /** Gives locked files and folders their permissions back, so the folder can be removed. */
  unlock: () => Promise<void>;
}

/** Seeded RGB(A) noise over a gradient: distinct, compressible enough to stay small. */
export function pixels(width: number, height: number, channels: 3 | 4, seed: number): Buffer {
  const buf = Buffer.alloc(width * height * channels);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < buf.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const p = Math.floor(i / channels);
    buf[i] = ((((p % width) * 200) / width + (s >>> 26)) & 255) | 0;
  }
  if (channels === 4) for (let i = 3; i < buf.length; i += 4) buf[i] = 255;
  return buf;
}

const raw = (w: number, h: number, seed: number, channels: 3 | 4 = 3) =>
  sharp(pixels(w, h, channels, seed), { raw: { width: w, height: h, channels } });

/** A PNG from chunks we write ourselves, for headers sharp would refuse to create. */
export function pngFile(width: number, height: number, bitDepth: number, colourType: number, idat: Buffer): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([bitDepth, colourType, 0, 0, 0], 8);
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

export interface BmpSpec {
  width: number;
  height: number;
  bpp: 1 | 4 | 8 | 16 | 24 | 32;
  /** Top-down rows (negative height in the header). */
  topDown?: boolean;
  /** 16/32-bit BITFIELDS masks [r, g, b, (a)]; a 4th mask makes a V4-style alpha image. */
  masks?: number[];
  palette?: [number, number, number][];
  /** Pixel value at (x, y): palette index, packed 16/32-bit value, or 0xRRGGBB for 24-bit. */
  at: (x: number, y: number) => number;
}

/** Writes an uncompressed BMP (BITMAPINFOHEADER, or V4 header when an alpha mask is given). */
export function bmpFile(spec: BmpSpec): Buffer {
  const { width, height, bpp } = spec;
  const v4 = (spec.masks?.length ?? 0) === 4;
  const headerSize = v4 ? 108 : 40;
  const extraMasks = spec.masks && !v4 ? 12 : 0;
  const palette = spec.palette ?? [];
  const stride = Math.ceil((width * bpp) / 32) * 4;
  const dataOffset = 14 + headerSize + extraMasks + palette.length * 4;
  const buf = Buffer.alloc(dataOffset + stride * height);
  buf.write('BM', 0, 'latin1');
  buf.writeUInt32LE(buf.length, 2);
  buf.writeUInt32LE(dataOffset, 10);
  buf.writeUInt32LE(headerSize, 14);
  buf.writeInt32LE(width, 18);
  buf.writeInt32LE(spec.topDown ? -height : height, 22);
  buf.writeUInt16LE(1, 26);
  buf.writeUInt16LE(bpp, 28);
  buf.writeUInt32LE(spec.masks ? 3 : 0, 30);
  buf.writeUInt32LE(stride * height, 34);
  buf.writeUInt32LE(palette.length, 46);
  spec.masks?.forEach((m, i) => buf.writeUInt32LE(m >>> 0, 54 + 4 * i));
  palette.forEach(([r, g, b], i) => buf.set([b, g, r, 0], 14 + headerSize + extraMasks + i * 4));
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (spec.topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const v = spec.at(x, y);
      if (bpp < 8) {
        const bit = x * bpp;
        buf[row + (bit >> 3)] |= v << (8 - bpp - (bit & 7));
      } else if (bpp === 8) buf[row + x] = v;
      else if (bpp === 16) buf.writeUInt16LE(v, row + x * 2);
      else if (bpp === 24) buf.set([v & 255, (v >> 8) & 255, (v >> 16) & 255], row + x * 3);
      else buf.writeUInt32LE(v >>> 0, row + x * 4);
    }
  }
  return buf;
}

/** Creates the messy folder under `root` (which must exist and be empty). */
export async function createMessyFolder(root: string, outside: string): Promise<MessyFolder> {
  const good: GoodFile[] = [];
  const bad: BadFile[] = [];
  const notes: string[] = [];
  const locked: string[] = [];
  const put = async (rel: string, data: Buffer) => {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), data);
  };
  const addGood = async (rel: string, data: Buffer, width: number, height: number, alpha = false) => {
    await put(rel, data);
    good.push({ relPath: rel, width, height, alpha });
  };
  const addBad = async (rel: string, data: Buffer, reason: RegExp) => {
    await put(rel, data);
    bad.push({ relPath: rel, reason });
  };

  // Good files: every format and colour layout. Orientation 6 stores 40×20, shows 20×40.
  await addGood('good/orient6.jpg', await raw(40, 20, 1).jpeg().withMetadata({ orientation: 6 }).toBuffer(), 20, 40);
  await addGood('good/deep16.png', await raw(30, 20, 2).toColourspace('rgb16').png().toBuffer(), 30, 20);
  await addGood('good/gray.png', await raw(24, 24, 3).toColourspace('b-w').png().toBuffer(), 24, 24);
  await addGood('good/cmyk.jpg', await raw(36, 28, 4).toColourspace('cmyk').jpeg().toBuffer(), 36, 28);
  const rgba = pixels(20, 30, 4, 5);
  for (let i = 0; i < 20 * 15; i++) rgba[i * 4 + 3] = 0; // top half fully transparent
  await addGood('good/alpha.png', await sharp(rgba, { raw: { width: 20, height: 30, channels: 4 } }).png().toBuffer(), 20, 30, true);
  const frames = sharp(pixels(16, 24, 3, 6), { raw: { width: 16, height: 24, channels: 3, pageHeight: 12 } });
  await addGood('good/anim.gif', await frames.gif().toBuffer(), 16, 12);
  const webp = await raw(50, 40, 7).webp().toBuffer();
  await addGood('good/photo.webp', webp, 50, 40);
  await addGood('good/photo.avif', await raw(48, 32, 8).avif({ effort: 0 }).toBuffer(), 48, 32);
  await addGood('good/photo.tiff', await raw(33, 22, 9).tiff().toBuffer(), 33, 22);
  await addGood('good/big.jpg', await raw(1600, 1200, 10).jpeg({ quality: 80 }).toBuffer(), 1600, 1200);
  await addGood('good/tiny.jpg', await raw(32, 32, 11).jpeg().toBuffer(), 32, 32);
  await addGood('good/bmp24.bmp', bmpFile({ width: 13, height: 7, bpp: 24, at: (x, y) => (x * 19) << 16 | (y * 36) << 8 | 99 }), 13, 7);
  await addGood('good/bmp32-topdown.bmp', bmpFile({ width: 9, height: 11, bpp: 32, topDown: true, at: (x, y) => (x * 28) << 16 | y * 23 }), 9, 11);
  const grey: [number, number, number][] = Array.from({ length: 256 }, (_, i) => [i, 255 - i, i >> 1]);
  await addGood('good/bmp8.bmp', bmpFile({ width: 10, height: 6, bpp: 8, palette: grey, at: (x, y) => x * 20 + y }), 10, 6);
  await addGood('sub/deeper/nested.png', await raw(12, 18, 12).png().toBuffer(), 12, 18);
  await addGood('good/Ünïcödé naïve.png', await raw(14, 9, 13).png().toBuffer(), 14, 9);
  // Duplicates: a byte copy, and a symlink to a good file (followed, same content).
  await addGood('dup/copy-of-photo.webp', webp, 50, 40);
  await symlink(path.join(root, 'good/gray.png'), path.join(root, 'dup/link-to-gray.png'));
  good.push({ relPath: 'dup/link-to-gray.png', width: 24, height: 24 });
  // A symlinked folder outside the root is followed.
  await mkdir(outside, { recursive: true });
  await writeFile(path.join(outside, 'outside.png'), await raw(11, 10, 14).png().toBuffer());
  await symlink(outside, path.join(root, 'linked-outside'));
  good.push({ relPath: 'linked-outside/outside.png', width: 11, height: 10 });

  // Bad files.
  const jpeg = await raw(200, 150, 20).jpeg().toBuffer();
  const png = await raw(200, 150, 21).png().toBuffer();
  const tiny = await raw(32, 32, 22).jpeg().toBuffer();
  await addBad('bad/empty.jpg', Buffer.alloc(0), /^empty file/);
  await addBad('bad/truncated.jpg', jpeg.subarray(0, jpeg.length >> 1), /truncated/);
  await addBad('bad/truncated.png', png.subarray(0, png.length >> 1), /truncated|corrupt/);
  await addBad('bad/truncated-tiny.jpg', tiny.subarray(0, tiny.length - 40), /truncated/);
  await addBad('bad/not-an-image.jpg', Buffer.from('This is a text file with a .jpg name.\n'.repeat(20)), /^not an image/);
  await addBad('bad/notes.txt', Buffer.from('notes\n'), /^not an image \(unsupported file type \.txt\)/);
  await addBad('bad/wide.png', pngFile(40_000, 10, 8, 2, deflateSync(Buffer.alloc(64))), /^absurd dimensions 40000×10/);
  await addBad('bad/huge.png', pngFile(20_000, 20_000, 8, 2, deflateSync(Buffer.alloc(64))), /^absurd dimensions 20000×20000 = 400 MP/);
  // A complete, valid 1-bit PNG of 12000×9000 zeros: 108 MP from ~13 KB.
  const rows = Buffer.alloc((1 + Math.ceil(12_000 / 8)) * 9_000);
  await addBad('bad/bomb.png', pngFile(12_000, 9_000, 1, 0, deflateSync(rows, { level: 9 })), /^decompression bomb/);
  const hugeBmp = bmpFile({ width: 4, height: 4, bpp: 24, at: () => 0 });
  hugeBmp.writeInt32LE(40_000, 18);
  hugeBmp.writeInt32LE(40_000, 22);
  await addBad('bad/huge.bmp', hugeBmp, /^absurd dimensions 40000×40000/);
  const bmp = bmpFile({ width: 40, height: 40, bpp: 24, at: () => 0x336699 });
  await addBad('bad/truncated.bmp', bmp.subarray(0, bmp.length - 500), /^truncated BMP/);
  await addBad('bad/photo.heic', Buffer.from('....ftypheic'), /HEIC photos are not supported/);

  // Bad names, made from raw bytes (Latin-1 "café" is not UTF-8).
  const png16 = await raw(8, 8, 30).png().toBuffer();
  writeFileSync(Buffer.from(path.join(root, 'bad/caf') + '\xe9.png', 'latin1'), png16);
  bad.push({ relPath: 'bad/caf\ufffd.png', reason: /not valid UTF-8/ });
  await addBad('bad/bell\x07name.png', png16, /control characters/);
  bad[bad.length - 1].relPath = 'bad/bell\\x07name.png';
  await mkdir(Buffer.from(path.join(root, 'dir-') + '\xff', 'latin1'));
  writeFileSync(Buffer.from(path.join(root, 'dir-') + '\xff/inside.png', 'latin1'), png16);
  bad.push({ relPath: 'dir-\ufffd', reason: /not valid UTF-8/ });

  // Symlinks: a loop to an ancestor, a link to itself, a dangling link.
  await symlink('..', path.join(root, 'sub/deeper/loop'));
  bad.push({ relPath: 'sub/deeper/loop', reason: /^symlink loop/ });
  await symlink('self.png', path.join(root, 'bad/self.png'));
  bad.push({ relPath: 'bad/self.png', reason: /^symlink loop/ });
  await symlink('does-not-exist.png', path.join(root, 'bad/dangling.png'));
  bad.push({ relPath: 'bad/dangling.png', reason: /^broken symlink/ });

  try {
    execFileSync('mkfifo', [path.join(root, 'bad/pipe.png')]);
    bad.push({ relPath: 'bad/pipe.png', reason: /^not a regular file/ });
  } catch {
    notes.push('mkfifo is not available: the named-pipe case is not covered');
  }

  // Permission cases only bite when not running as root.
  if (process.getuid?.() !== 0) {
    await addBad('bad/locked.png', png16, /permission denied/);
    await mkdir(path.join(root, 'locked-dir'));
    await writeFile(path.join(root, 'locked-dir/x.png'), png16);
    locked.push(path.join(root, 'bad/locked.png'), path.join(root, 'locked-dir'));
    for (const p of locked) await chmod(p, 0);
    bad.push({ relPath: 'locked-dir', reason: /permission denied/ });
  } else {
    notes.push('running as root, which reads any file: the unreadable cases are covered by dataset-scan.test.ts as an unprivileged child instead');
  }

  // Hidden entries are ignored without a word.
  await put('.hidden.png', png16);
  await put('.git/objects/x.png', png16);
  const unlock = async () => {
    for (const p of locked) await chmod(p, 0o755);
  };
  return { root, good, bad, duplicates: 2, notes, unlock };
}
