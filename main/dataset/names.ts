// File names arrive as raw bytes (readdir with encoding 'buffer') so that names which are not
// valid UTF-8 can be detected instead of being silently mangled into U+FFFD by Node.

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lossyUtf8 = new TextDecoder('utf-8');

// C0 controls, DEL and C1 controls: legal on POSIX filesystems but break paths in every UI.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_ALL = /[\u0000-\u001f\u007f-\u009f]/g;

export type NameCheck = { ok: true; name: string } | { ok: false; shown: string; reason: string };

/** Escapes control characters as \xNN so a bad name can be shown in a list. */
function visible(s: string): string {
  return s.replace(CONTROL_ALL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Decides whether a raw directory entry name is usable as part of a project path. */
export function checkName(raw: Buffer): NameCheck {
  let name: string;
  try {
    name = strictUtf8.decode(raw);
  } catch {
    return { ok: false, shown: visible(lossyUtf8.decode(raw)), reason: 'name is not valid UTF-8 (rename it with UTF-8 characters only)' };
  }
  if (CONTROL.test(name)) {
    return { ok: false, shown: visible(name), reason: 'name contains control characters (rename it)' };
  }
  return { ok: true, name };
}

/** Names starting with '.' (hidden files and folders, .DS_Store, .git) are ignored silently. */
export function isHidden(raw: Buffer): boolean {
  return raw[0] === 0x2e;
}
