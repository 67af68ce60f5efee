/**
 * Positional reads of a batch from the pixel-cache file. Indices are sorted and merged
 * into spans (small gaps are read through), so a block-shuffled batch costs a few
 * sequential reads instead of one seek per image.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';

export interface ReadSpan {
  /** First and last storage index read. */
  first: number;
  last: number;
  /** (storage index, output slot) pairs inside the span. */
  items: [number, number][];
}

/** Groups indices into spans, reading through gaps of at most `maxGap` images. */
export function planReads(indices: ArrayLike<number>, maxGap = 8): ReadSpan[] {
  const pairs: [number, number][] = Array.from({ length: indices.length }, (_, slot) => [indices[slot], slot]);
  pairs.sort((a, b) => a[0] - b[0]);
  const spans: ReadSpan[] = [];
  for (const p of pairs) {
    const cur = spans[spans.length - 1];
    if (cur && p[0] - cur.last <= maxGap + 1) {
      cur.last = p[0];
      cur.items.push(p);
    } else {
      spans.push({ first: p[0], last: p[0], items: [p] });
    }
  }
  return spans;
}

function scatter(span: ReadSpan, buf: Uint8Array, out: Uint8Array, bpi: number): void {
  for (const [idx, slot] of span.items) {
    const off = (idx - span.first) * bpi;
    out.set(buf.subarray(off, off + bpi), slot * bpi);
  }
}

function spanBytes(s: ReadSpan, bpi: number): number {
  return (s.last - s.first + 1) * bpi;
}

export function readPlanSync(file: string, spans: ReadSpan[], n: number, bpi: number): Uint8Array {
  const out = new Uint8Array(n * bpi);
  const fd = openSync(file, 'r');
  try {
    for (const s of spans) {
      const buf = new Uint8Array(spanBytes(s, bpi));
      const got = readSync(fd, buf, 0, buf.length, s.first * bpi);
      if (got !== buf.length) throw new Error(`Pixel cache ${file} is truncated (read ${got} of ${buf.length} bytes)`);
      scatter(s, buf, out, bpi);
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

export async function readPlanAsync(file: string, spans: ReadSpan[], n: number, bpi: number): Promise<Uint8Array> {
  const out = new Uint8Array(n * bpi);
  const fh = await open(file, 'r');
  try {
    await Promise.all(
      spans.map(async (s) => {
        const buf = new Uint8Array(spanBytes(s, bpi));
        const { bytesRead } = await fh.read(buf, 0, buf.length, s.first * bpi);
        if (bytesRead !== buf.length) throw new Error(`Pixel cache ${file} is truncated (read ${bytesRead} of ${buf.length} bytes)`);
        scatter(s, buf, out, bpi);
      }),
    );
  } finally {
    await fh.close();
  }
  return out;
}
