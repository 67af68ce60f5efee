// JPEG structure in JS, for the tiny-JPEG fast path (see decode.ts): each sharp call costs
// ~0.3 ms of main-thread time in option marshalling alone, more than a 32×32 image is worth.

export interface JpegHeader {
  width: number;
  height: number;
  components: number;
  precision: number;
  /** SOF marker type: 0xc0 baseline, 0xc1 extended, 0xc2 progressive, others are rare. */
  sof: number;
  /** EXIF orientation, 1 when absent. */
  orientation: number;
  hasIcc: boolean;
  /** An Adobe APP14 segment (CMYK/YCCK or RGB without YCbCr transform). */
  hasAdobe: boolean;
  /** Offset of the first SOS marker. */
  scanAt: number;
}

function exifOrientation(buf: Buffer, start: number, end: number): number {
  // "Exif\0\0" then a TIFF header: byte order, 42, offset of IFD0.
  const t = start + 6;
  if (t + 8 > end) return 1;
  const le = buf[t] === 0x49;
  const u16 = (p: number) => (le ? buf.readUInt16LE(p) : buf.readUInt16BE(p));
  const u32 = (p: number) => (le ? buf.readUInt32LE(p) : buf.readUInt32BE(p));
  const ifd = t + u32(t + 4);
  if (ifd + 2 > end) return 1;
  const n = u16(ifd);
  for (let k = 0; k < n; k++) {
    const e = ifd + 2 + k * 12;
    if (e + 12 > end) break;
    if (u16(e) === 0x0112) return u16(e + 8);
  }
  return 1;
}

/** Reads the segments up to the first scan; null when `buf` is not a well-formed JPEG header. */
export function readJpegHeader(buf: Buffer): JpegHeader | null {
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) return null;
  const h: JpegHeader = { width: 0, height: 0, components: 0, precision: 0, sof: 0, orientation: 1, hasIcc: false, hasAdobe: false, scanAt: 0 };
  let i = 2;
  while (i + 4 <= buf.length) {
    if (buf[i] !== 0xff) return null;
    const m = buf[i + 1];
    if (m === 0xff) {
      i++; // fill byte
      continue;
    }
    if ((m >= 0xd0 && m <= 0xd7) || m === 0x01) {
      i += 2;
      continue;
    }
    const len = buf.readUInt16BE(i + 2);
    const start = i + 4;
    const end = i + 2 + len;
    if (len < 2 || end > buf.length) return null;
    if (m === 0xda) {
      h.scanAt = i; // start of scan: the header is complete
      return h.sof ? h : null;
    }
    if (m === 0xe1 && buf.toString('latin1', start, start + 6) === 'Exif\0\0') h.orientation = exifOrientation(buf, start, end);
    else if (m === 0xe2 && buf.toString('latin1', start, start + 12) === 'ICC_PROFILE\0') h.hasIcc = true;
    else if (m === 0xee && buf.toString('latin1', start, start + 5) === 'Adobe') h.hasAdobe = true;
    else if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc && len >= 8) {
      h.sof = m;
      h.precision = buf[start];
      h.height = buf.readUInt16BE(start + 1);
      h.width = buf.readUInt16BE(start + 3);
      h.components = buf[start + 5];
    }
    i = end;
  }
  return null;
}

/**
 * True when the stream from the first scan on is complete: every scan's entropy-coded data is
 * followed by a well-formed marker segment, and the stream reaches its EOI marker. This is what
 * libjpeg treats as fatal once the header is valid (a premature end); corrupt entropy data only
 * raises warnings there, which sharp's failOn: 'error' accepts too.
 */
export function jpegStreamComplete(buf: Buffer, scanAt: number): boolean {
  let i = scanAt;
  for (;;) {
    // At a marker segment (SOS, DHT, DQT, DRI, APPn, COM, ...): skip it.
    if (i + 2 > buf.length || buf[i] !== 0xff) return false;
    const m = buf[i + 1];
    if (m === 0xd9) return true;
    if (i + 4 > buf.length) return false;
    const end = i + 2 + buf.readUInt16BE(i + 2);
    if (end > buf.length) return false;
    i = end;
    if (m !== 0xda) continue;
    // Entropy-coded data: ends at the first 0xFF not followed by 0x00 (stuffing), a restart
    // marker or another 0xFF (fill).
    for (;;) {
      i = buf.indexOf(0xff, i);
      if (i < 0 || i + 1 >= buf.length) return false;
      const next = buf[i + 1];
      if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) i += 2;
      else if (next === 0xff) i += 1;
      else break;
    }
  }
}
