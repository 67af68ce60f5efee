import { useApp } from '../state/app-store';
import { Modal } from './Modal';

const MOD = /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl';

const ROWS: [string[], string][] = [
  [[MOD, 'O'], 'Open an image folder'],
  [['?'], 'Show or hide this help'],
  [['Esc'], 'Close the open dialog or panel'],
  [['↑', '↓'], 'Folder picker: move through folders'],
  [['Enter'], 'Folder picker: open the selected folder'],
  [['Backspace'], 'Folder picker: go to the parent folder'],
  [[MOD, 'Enter'], 'Folder picker: use the folder shown'],
];

export function ShortcutsHelp() {
  const close = () => useApp.setState({ helpOpen: false });
  return (
    <Modal title="Keyboard shortcuts" onClose={close} className="help" testId="shortcuts-help">
      <dl className="shortcuts">
        {ROWS.map(([keys, what]) => (
          <div key={what} className="shortcut">
            <dt>
              {keys.map((k) => (
                <kbd key={k}>{k}</kbd>
              ))}
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
    </Modal>
  );
}
