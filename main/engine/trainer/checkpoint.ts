/**
 * Training checkpoints: one self-describing file per run state, written atomically (temp
 * file, fsync, rename), so a kill at any moment leaves either the old or the new
 * checkpoint, never a torn one.
 *
 * Layout: "BYOLCKPT" | u32 LE header length | header JSON | zero padding to 4 bytes |
 * float32 blob. The header names every tensor (network weights incl. BatchNorm moving
 * statistics, optimizer slots) with its shape and offset into the blob.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { WeightData } from '../model/network';
import type { OptimizerState } from '../recipe/optim';
import type { RngState } from '../recipe/rng';
import { NETWORK_NAMES, type NetworkName } from './byol-model';
import { CHECKPOINT_MAGIC as MAGIC, type CheckpointMeta, type SchedulePosition } from './checkpoint-info';

export { CHECKPOINT_DIR, LATEST_CHECKPOINT, checkpointPath, readCheckpointInfo, type SchedulePosition } from './checkpoint-info';
export const CHECKPOINT_VERSION = 1;

export interface CheckpointData {
  /** The resolved training settings the run uses; resume reuses them. */
  config: Record<string, unknown>;
  position: SchedulePosition;
  rng: Record<string, RngState>;
  weights: Record<NetworkName, WeightData[]>;
  optimizer: OptimizerState;
  meta: CheckpointMeta;
}

interface TensorRef { name: string; shape: number[]; offset: number; length: number }

interface Header {
  version: number;
  createdAt: string;
  config: Record<string, unknown>;
  position: SchedulePosition;
  rng: Record<string, RngState>;
  meta: CheckpointData['meta'];
  weights: Record<string, TensorRef[]>;
  optimizer: { kind: OptimizerState['kind']; step: number; slots: Record<string, TensorRef[]> };
}

/** Serialises to one buffer (header + float32 blob). */
export function encodeCheckpoint(c: CheckpointData): Buffer {
  const chunks: Float32Array[] = [];
  let offset = 0;
  const ref = (name: string, shape: number[], data: Float32Array): TensorRef => {
    chunks.push(data);
    const r = { name, shape, offset, length: data.length };
    offset += data.length;
    return r;
  };
  const weights: Header['weights'] = {};
  for (const k of NETWORK_NAMES) weights[k] = c.weights[k].map((w) => ref(w.name, w.shape, w.data));
  const slots: Header['optimizer']['slots'] = {};
  for (const [slot, bufs] of Object.entries(c.optimizer.slots)) slots[slot] = bufs.map((b, i) => ref(`${slot}/${i}`, b.shape, b.data));
  const header: Header = {
    version: CHECKPOINT_VERSION, createdAt: new Date().toISOString(), config: c.config, position: c.position, rng: c.rng,
    meta: c.meta, weights, optimizer: { kind: c.optimizer.kind, step: c.optimizer.step, slots },
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const headLen = 8 + 4 + json.length;
  const pad = (4 - (headLen % 4)) % 4;
  const out = Buffer.alloc(headLen + pad + offset * 4);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(json.length, 8);
  json.copy(out, 12);
  const blob = new Float32Array(out.buffer, out.byteOffset + headLen + pad, offset);
  let at = 0;
  for (const c2 of chunks) {
    blob.set(c2, at);
    at += c2.length;
  }
  return out;
}

export function decodeCheckpoint(buf: Buffer, source = 'checkpoint'): CheckpointData {
  if (buf.length < 12 || buf.toString('latin1', 0, 8) !== MAGIC) throw new Error(`${source} is not a BYOL Explorer checkpoint.`);
  const len = buf.readUInt32LE(8);
  const header = JSON.parse(buf.toString('utf8', 12, 12 + len)) as Header;
  if (header.version !== CHECKPOINT_VERSION) throw new Error(`${source} has version ${header.version}; this app reads version ${CHECKPOINT_VERSION}.`);
  const headLen = 12 + len;
  const start = headLen + ((4 - (headLen % 4)) % 4);
  // Copy into an aligned buffer: the file's bytes may not start on a 4-byte boundary.
  const blob = new Float32Array(new Uint8Array(buf.subarray(start)).buffer);
  const take = (r: TensorRef) => {
    if (r.offset + r.length > blob.length) throw new Error(`${source} is truncated (tensor ${r.name}).`);
    return blob.slice(r.offset, r.offset + r.length);
  };
  const weights = {} as Record<NetworkName, WeightData[]>;
  for (const k of NETWORK_NAMES) {
    if (!header.weights[k]) throw new Error(`${source} has no ${k} weights.`);
    weights[k] = header.weights[k].map((r) => ({ name: r.name, shape: r.shape, data: take(r) }));
  }
  const slots: OptimizerState['slots'] = {};
  for (const [slot, refs] of Object.entries(header.optimizer.slots)) slots[slot] = refs.map((r) => ({ shape: r.shape, data: take(r) }));
  return {
    config: header.config, position: header.position, rng: header.rng, meta: header.meta, weights,
    optimizer: { kind: header.optimizer.kind, step: header.optimizer.step, slots },
  };
}

function isAlive(pid: number): boolean {
  try {
    return process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes temp → fsync → rename; the previous checkpoint stays valid until the rename. */
export function writeCheckpointAtomic(file: string, c: CheckpointData): void {
  mkdirSync(path.dirname(file), { recursive: true });
  // A kill mid-write leaves `<name>.<pid>.<ms>.tmp` behind; clear those of dead processes.
  for (const f of readdirSync(path.dirname(file))) {
    const pid = Number(/^(\d+)\.\d+\.tmp$/.exec(f.slice(path.basename(file).length + 1))?.[1]);
    if (f.startsWith(`${path.basename(file)}.`) && pid && !isAlive(pid)) rmSync(path.join(path.dirname(file), f), { force: true });
  }
  const buf = encodeCheckpoint(c);
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    let at = 0;
    while (at < buf.length) at += writeSync(fd, buf, at, buf.length - at);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, file);
}

export function readCheckpoint(file: string): CheckpointData | null {
  if (!existsSync(file)) return null;
  return decodeCheckpoint(readFileSync(file), file);
}
