/**
 * Pause / resume / stop for a running training loop. The loop polls it between steps
 * (a step is synchronous tfjs work, so nothing can interrupt one midway).
 */
export type ControlState = 'running' | 'paused' | 'stopping';

export class TrainControl {
  private s: ControlState = 'running';
  private wake: (() => void) | null = null;

  get state(): ControlState {
    return this.s;
  }

  get stopRequested(): boolean {
    return this.s === 'stopping';
  }

  get pauseRequested(): boolean {
    return this.s === 'paused';
  }

  pause(): void {
    if (this.s === 'running') this.s = 'paused';
  }

  resume(): void {
    if (this.s !== 'paused') return;
    this.s = 'running';
    this.release();
  }

  stop(): void {
    this.s = 'stopping';
    this.release();
  }

  /** Resolves when the loop may continue (resumed) or must end (stopped). */
  waitWhilePaused(): Promise<void> {
    if (this.s !== 'paused') return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  private release(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}
