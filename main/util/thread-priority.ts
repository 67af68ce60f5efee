import { setPriority } from 'node:os';

/**
 * Puts the calling worker thread below normal priority (nice 10). Background jobs take
 * every core they are given; this way the window, the map and the server's requests still
 * get the CPU first (and Chromium's GPU process answers the UI's synchronous calls at once).
 * On Linux this sets the calling thread only, and threads it starts later inherit it.
 */
export function lowerThreadPriority(): void {
  try {
    setPriority(10);
  } catch {
    // Not permitted here (some sandboxes): run at normal priority.
  }
}
