/** Export round trip for resnet18 (20 convs, 11M params); its own file so it runs beside the small one. */
import { roundTrip } from './export-roundtrip-suite';

roundTrip('resnet18', 12, { size: 32, timeout: 90_000, childBackend: 'wasm', replaceTests: false });
