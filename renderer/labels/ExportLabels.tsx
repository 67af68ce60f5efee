import { useState } from 'react';
import { tildePath } from '../format';
import { useApp } from '../state/app-store';
import { exportLabels } from '../state/labels-store';

type Format = 'csv' | 'json';

/** Beside the project store by default; the path is the Node side's (which serve mode shares), `~` for home. */
function defaultFile(projectDir: string, format: Format): string {
  const sep = projectDir.includes('\\') && !projectDir.includes('/') ? '\\' : '/';
  return `${projectDir.replace(/[\\/]+$/, '')}${sep}labels.${format}`;
}

/** Export every label (path, label, source, confidence) as CSV or JSON to a file. */
export function ExportLabels({ projectDir }: { projectDir: string }) {
  const [format, setFormat] = useState<Format>('csv');
  const [file, setFile] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const home = useApp((s) => s.info?.home);
  const shown = file ?? defaultFile(tildePath(projectDir, home), format);
  const pickFormat = (f: Format) => {
    setFormat(f);
    // Keep the user's folder and name, only swap a matching extension.
    if (file) setFile(file.replace(/\.(csv|json)$/i, `.${f}`));
  };
  const run = async () => {
    setBusy(true);
    await exportLabels(format, shown);
    setBusy(false);
  };
  return (
    <div className="label-export" data-testid="label-export">
      <div className="label-seg" role="radiogroup" aria-label="Export format">
        {(['csv', 'json'] as const).map((f) => (
          <button key={f} type="button" role="radio" aria-checked={format === f} className={format === f ? 'active' : ''} onClick={() => pickFormat(f)} data-testid={`export-format-${f}`}>
            {f.toUpperCase()}
          </button>
        ))}
      </div>
      <input className="label-input path" value={shown} onChange={(e) => setFile(e.target.value)} spellCheck={false} data-testid="export-file" aria-label="Export file" />
      <button type="button" className="btn small" disabled={busy || !shown.trim()} onClick={() => void run()} data-testid="export-run">Export</button>
    </div>
  );
}
