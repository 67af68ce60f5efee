// The map's large arrays live beside the DuckDB file as plain typed-array files (DESIGN.md:
// prefer them for big float arrays; no external buffers cross into Electron). Each file is
// written to a temp name and renamed, so a kill leaves either the old map or the new one.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface StoredMap {
  runId: string;
  layout: 'pca' | 'umap';
  ids: Int32Array;
  coords: Float32Array;
  createdAt: number;
  seconds: number;
}

export interface StoredKnn {
  runId: string;
  n: number;
  k: number;
  ids: Int32Array;
  indices: Int32Array;
  distances: Float32Array;
}

const dirOf = (projectDir: string) => path.join(projectDir, 'maps');

/** Whether a process lives; EPERM means it does, under another user. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A kill mid-write leaves `<name>.<pid>.tmp` behind; clear such leftovers before writing
 * anew. Temps of living processes (this one included) may be writes in flight: kept.
 */
async function removeStaleTemps(file: string): Promise<void> {
  const base = `${path.basename(file)}.`;
  for (const f of await readdir(path.dirname(file))) {
    const pid = Number(/^(\d+)\.tmp$/.exec(f.slice(base.length))?.[1]);
    if (f.startsWith(base) && pid && !alive(pid)) await rm(path.join(path.dirname(file), f), { force: true });
  }
}

async function writeAtomic(file: string, parts: ArrayBufferView[]): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await removeStaleTemps(file);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))));
  await rename(tmp, file);
}

/** Header JSON (length-prefixed) then the arrays, so one rename publishes a consistent map. */
function pack(header: object, arrays: ArrayBufferView[]): ArrayBufferView[] {
  const json = Buffer.from(JSON.stringify(header));
  const pad = (4 - ((4 + json.length) % 4)) % 4;
  const len = new Uint32Array([json.length + pad]);
  return [len, json, Buffer.alloc(pad, 0x20), ...arrays];
}

function unpack(buf: Buffer): { header: Record<string, unknown>; body: ArrayBuffer } {
  const len = buf.readUInt32LE(0);
  const header = JSON.parse(buf.subarray(4, 4 + len).toString('utf8')) as Record<string, unknown>;
  // Copy into a fresh, aligned ArrayBuffer; typed views need 4-byte alignment.
  const body = buf.buffer.slice(buf.byteOffset + 4 + len, buf.byteOffset + buf.length) as ArrayBuffer;
  return { header, body };
}

export async function saveMap(projectDir: string, m: StoredMap): Promise<void> {
  const header = { runId: m.runId, layout: m.layout, n: m.ids.length, createdAt: m.createdAt, seconds: m.seconds };
  await writeAtomic(path.join(dirOf(projectDir), 'map.bin'), pack(header, [m.ids, m.coords]));
}

export async function loadMap(projectDir: string): Promise<StoredMap | null> {
  let buf: Buffer;
  try {
    buf = await readFile(path.join(dirOf(projectDir), 'map.bin'));
  } catch {
    return null;
  }
  const { header, body } = unpack(buf);
  const n = header.n as number;
  return {
    runId: header.runId as string,
    layout: header.layout as 'pca' | 'umap',
    createdAt: header.createdAt as number,
    seconds: header.seconds as number,
    ids: new Int32Array(body, 0, n),
    coords: new Float32Array(body, n * 4, n * 3),
  };
}

export async function saveKnn(projectDir: string, g: StoredKnn): Promise<void> {
  await writeAtomic(path.join(dirOf(projectDir), `knn-${g.runId}.bin`), pack({ runId: g.runId, n: g.n, k: g.k }, [g.ids, g.indices, g.distances]));
}

/** The kNN graph of an embedding run, built once per embedding version and reused. */
export async function loadKnn(projectDir: string, runId: string): Promise<StoredKnn | null> {
  let buf: Buffer;
  try {
    buf = await readFile(path.join(dirOf(projectDir), `knn-${runId}.bin`));
  } catch {
    return null;
  }
  const { header, body } = unpack(buf);
  const n = header.n as number;
  const k = header.k as number;
  return {
    runId,
    n,
    k,
    ids: new Int32Array(body, 0, n),
    indices: new Int32Array(body, n * 4, n * k),
    distances: new Float32Array(body, n * 4 + n * k * 4, n * k),
  };
}

export async function saveMapState(projectDir: string, state: unknown): Promise<void> {
  const file = path.join(dirOf(projectDir), 'map-state.json');
  await mkdir(path.dirname(file), { recursive: true });
  await removeStaleTemps(file);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(state));
  await rename(tmp, file);
}

export async function loadMapState(projectDir: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path.join(dirOf(projectDir), 'map-state.json'), 'utf8')) as unknown;
  } catch {
    return null;
  }
}
