const nf = new Intl.NumberFormat('en-US');

export const formatCount = (n: number): string => nf.format(n);

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  if (seconds < 1) return '< 1 s';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return '—';
  return perSecond >= 100 ? `${formatCount(Math.round(perSecond))} img/s` : `${perSecond.toFixed(1)} img/s`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

export function timeAgo(ms: number, now = Date.now()): string {
  const s = Math.max(0, (now - ms) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  const d = Math.floor(s / 86400);
  return d === 1 ? 'yesterday' : `${d} days ago`;
}

/** Splits a path into its folder and file name, for either separator. */
export function splitPath(p: string): { dir: string; name: string } {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i < 0 ? { dir: '', name: p } : { dir: p.slice(0, i), name: p.slice(i + 1) };
}

/** Breadcrumbs of an absolute path: [{ label, path }], POSIX or Windows. */
export function crumbs(dir: string): { label: string; path: string }[] {
  if (/^[A-Za-z]:/.test(dir)) {
    const parts = dir.split(/[\\/]+/).filter(Boolean);
    return parts.map((p, i) => ({ label: i === 0 ? `${p}\\` : p, path: i === 0 ? `${p}\\` : parts.slice(0, i + 1).join('\\') }));
  }
  const parts = dir.split('/').filter(Boolean);
  return [{ label: '/', path: '/' }, ...parts.map((p, i) => ({ label: p, path: `/${parts.slice(0, i + 1).join('/')}` }))];
}

/**
 * A path under the home folder as `~/…`, as shells and file managers show it: shorter, and
 * the part the user recognises. The Node side expands `~` back wherever a path is typed.
 */
export function tildePath(p: string, home: string | null | undefined): string {
  if (!home) return p;
  const h = home.replace(/[\\/]+$/, '');
  if (p === h) return '~';
  const sep = p.charAt(h.length);
  return h && p.startsWith(h) && (sep === '/' || sep === '\\') ? `~${p.slice(h.length)}` : p;
}
