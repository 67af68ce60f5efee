import { MAP_SHORTCUTS } from '../map/map-keys';
import { useApp } from '../state/app-store';
import { Modal } from './Modal';

const MOD = /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl';

type Row = [string[], string];

const SECTIONS: [string, Row[]][] = [
  [
    'Anywhere',
    [
      [[MOD, 'O'], 'Open an image folder'],
      [['?'], 'Show or hide this help'],
      [['Esc'], 'Close the open dialog or panel'],
    ],
  ],
  [
    'Project tabs',
    [
      [['G', 'I'], 'Images (or Alt+1)'],
      [['G', 'T'], 'Train (or Alt+2)'],
      [['G', 'M'], 'Map (or Alt+3)'],
    ],
  ],
  [
    'Images tab',
    [
      [['/'], 'Search the image paths (Esc clears it)'],
      [['←', '→', '↑', '↓'], 'Move between images (Home, End, Page Up/Down too)'],
      [['Space'], 'Select the image in focus (Shift: a range); Enter opens it'],
      [['S'], 'Show the images most similar to the one in focus (also in its preview)'],
      [[MOD, 'Click'], 'Select an image (Shift+Click: a range)'],
      [[MOD, 'A'], 'Select every image shown'],
      [['1', '…', '9'], 'Label the selected images (0 clears)'],
      [['Esc'], 'Clear the selection'],
    ],
  ],
  [
    'Train tab',
    [
      [['S'], 'Start training'],
      [['P'], 'Pause or resume'],
      [['X'], 'Stop (the last checkpoint is kept)'],
    ],
  ],
  [
    'Folder picker',
    [
      [['↑', '↓'], 'Move through folders'],
      [['Enter'], 'Open the selected folder'],
      [['Backspace'], 'Go to the parent folder'],
      [[MOD, 'Enter'], 'Use the folder shown'],
    ],
  ],
  ['Map tab', MAP_SHORTCUTS.map(([k, what]): Row => [[k], what.charAt(0).toUpperCase() + what.slice(1)])],
  [
    'Labelling (Map tab)',
    [
      [['1', '…', '9'], 'Label the selection with class 1–9'],
      [['0'], 'Clear the selection’s labels (or Backspace)'],
      [[MOD, 'Z'], 'Undo the last label change'],
      [[MOD, '⇧', 'Z'], `Redo (or ${MOD}+Y)`],
    ],
  ],
];

export function ShortcutsHelp() {
  const close = () => useApp.setState({ helpOpen: false });
  return (
    <Modal title="Keyboard shortcuts" onClose={close} className="help" testId="shortcuts-help">
      <div className="shortcut-sections">
        {SECTIONS.map(([title, rows]) => (
          <section key={title} className="shortcut-section">
            <h3>{title}</h3>
            <dl className="shortcuts">
              {rows.map(([keys, what]) => (
                <div key={what} className="shortcut">
                  <dt>
                    {keys.map((k, i) => (
                      <kbd key={`${k}${i}`}>{k}</kbd>
                    ))}
                  </dt>
                  <dd>{what}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </Modal>
  );
}
