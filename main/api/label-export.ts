/** Writes label rows (path, label, source, confidence) as CSV or JSON, atomically (temp + rename). */
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LabelExportRow } from '../store/predictions';
import type { ProjectStore } from '../store/project-store';
import { UserError } from './errors';

/** RFC 4180 quoting: only fields with a comma, quote or line break are quoted. */
export function csvField(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function labelsCsv(rows: LabelExportRow[]): string {
  const lines = ['path,label,source,confidence'];
  for (const r of rows) lines.push([r.path, r.label, r.source, r.confidence].map(csvField).join(','));
  return lines.join('\n') + '\n';
}

export async function exportLabels(store: ProjectStore, format: 'csv' | 'json', file: string): Promise<{ file: string; rows: number }> {
  const rows = await store.predictions.exportRows();
  const abs = path.resolve(file);
  const text = format === 'csv' ? labelsCsv(rows) : JSON.stringify(rows, null, 1) + '\n';
  const tmp = `${abs}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, abs);
  } catch (err) {
    throw new UserError('failed', `Cannot write ${abs}: ${(err as Error).message.split('\n')[0]}. Choose a writable folder.`);
  }
  return { file: abs, rows: rows.length };
}
