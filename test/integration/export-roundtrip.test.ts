/**
 * Export round trips for the CPU-sized encoder: the CIFAR stem at 32 px (TF.js child on
 * plain cpu) with the folder-replacement rules, and the ImageNet stem (7×7/2 conv, padded
 * 3×3/2 max-pool) at 72 px.
 */
import { roundTrip } from './export-roundtrip-suite';

roundTrip('small', 11, { size: 32, timeout: 60_000, childBackend: 'cpu', replaceTests: true });
roundTrip('small', 13, { size: 72, timeout: 60_000, childBackend: 'wasm', replaceTests: false });
