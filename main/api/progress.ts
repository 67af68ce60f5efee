/** Progress as every job reports it: done/total with a smoothed rate and an ETA. */
export interface ProgressUpdate {
  done: number;
  total: number;
  rate: number;
  etaSeconds: number | null;
  message: string;
}

/**
 * Turns raw done counts into rate and ETA. The rate is an exponential moving average over
 * wall time, so a burst of cached items does not promise an absurd ETA. Emits at most every
 * `intervalMs` (plus the final update) so a fast job does not flood the transport.
 */
export class ProgressMeter {
  private readonly start = performance.now();
  private lastT = this.start;
  private lastDone = 0;
  private rate = 0;
  private lastEmit = -Infinity;

  constructor(
    private readonly emit: (p: ProgressUpdate) => void,
    private readonly intervalMs = 100,
  ) {}

  update(done: number, total: number, message = '', force = false): void {
    const now = performance.now();
    const dt = (now - this.lastT) / 1000;
    if (dt > 0.05) {
      const inst = (done - this.lastDone) / dt;
      this.rate = this.rate === 0 ? inst : 0.7 * this.rate + 0.3 * inst;
      this.lastT = now;
      this.lastDone = done;
    }
    if (!force && done < total && now - this.lastEmit < this.intervalMs) return;
    this.lastEmit = now;
    const elapsed = (now - this.start) / 1000;
    const rate = this.rate > 0 ? this.rate : elapsed > 0 ? done / elapsed : 0;
    const etaSeconds = rate > 0 && total >= done ? (total - done) / rate : null;
    this.emit({ done, total, rate, etaSeconds, message });
  }
}
