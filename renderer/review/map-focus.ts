import type { ColorMode } from '../map/colors';
import type { SidebarContext } from '../screens/MapSidebar';
import { fetchBundle, inspect, select, setColorMode, useMap } from '../state/map-store';

/** Map point indices of image ids (ids not on the map are skipped). */
export function indicesOf(ids: Iterable<number>): Int32Array {
  const data = useMap.getState().data;
  if (!data) return new Int32Array(0);
  const out: number[] = [];
  for (const id of ids) {
    const i = data.indexOf.get(id);
    if (i !== undefined) out.push(i);
  }
  return Int32Array.from(out);
}

/** Selects these images on the map, optionally in a colour mode that explains why. */
export function selectOnMap(ids: Iterable<number>, mode?: ColorMode): number {
  const idx = indicesOf(ids);
  if (mode) setColorMode(mode);
  select(idx, 'replace');
  return idx.length;
}

/** Selects one image and opens it in the inspector; the sidebar's context also flies the camera there. */
export function focusImage(id: number, ctx: Pick<SidebarContext, 'inspectAndFly'> | null): boolean {
  const i = useMap.getState().data?.indexOf.get(id);
  if (i === undefined) return false;
  select([i], 'replace');
  if (ctx) ctx.inspectAndFly(i);
  else inspect(i);
  return true;
}

/** Bundle row index of a cluster: the bundle lists the latest run's clusters in cluster.list order, noise (-1) left out. */
export function bundleClusterIndex(clusterIds: readonly number[], cluster: number): number {
  return cluster < 0 ? -1 : clusterIds.filter((c) => c >= 0).indexOf(cluster);
}

/** Image ids of a cluster from the map bundle, in map order. */
export function clusterMembers(bundleIndex: number, limit = Infinity): number[] {
  const data = useMap.getState().data;
  if (!data) return [];
  const { cluster, ids } = data.sections;
  const out: number[] = [];
  for (let i = 0; i < cluster.length && out.length < limit; i++) if (cluster[i] === bundleIndex) out.push(ids[i]);
  return out;
}

/** The bundle carries clusters and labels: reload it after they change. */
export const refreshMap = (): Promise<void> => (useMap.getState().projectDir ? fetchBundle() : Promise.resolve());
