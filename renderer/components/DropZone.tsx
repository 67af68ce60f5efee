import { useState, type DragEvent } from 'react';
import { client } from '../api/client';
import { dropFiles, openFolder } from '../state/actions';
import { Icon } from './Icon';

const MOD = /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl';

/** Where a folder can be dropped, with the button that opens one for those who'd rather click. */
export function DropZone() {
  const [over, setOver] = useState(false);
  const onDrop = (e: DragEvent): void => {
    e.preventDefault();
    setOver(false);
    dropFiles([...e.dataTransfer.files]);
  };
  return (
    <section
      className={`dropzone ${over ? 'over' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      data-testid="dropzone"
    >
      <div className="dropzone-icon">
        <Icon name="upload" size={30} />
      </div>
      <h2>Drop an image folder here</h2>
      <p className="muted">
        {client.mode === 'electron'
          ? 'JPEG, PNG, WebP, GIF, TIFF and more; sub-folders are included.'
          : 'In a browser a dropped folder can’t tell us where it lives, so you’ll pick it from the server’s disk instead.'}
      </p>
      <button className="btn primary big" onClick={() => void openFolder()} data-testid="open-folder">
        <Icon name="folderOpen" />
        Open folder…
        <kbd>{MOD}</kbd>
        <kbd>O</kbd>
      </button>
    </section>
  );
}
