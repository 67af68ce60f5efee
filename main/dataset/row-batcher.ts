/**
 * Collects rows and writes them in batches, one write (one transaction) at a time, while the
 * producers keep going. A batch is written when it is full or when its oldest row has waited
 * `maxWaitMs`, so slow (large) images still reach the store every few seconds.
 */
export class RowBatcher<T> {
  private rows: T[] = [];
  private oldest = 0;
  private chain: Promise<void> = Promise.resolve();
  private error: unknown = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly write: (rows: T[]) => Promise<void>,
    private readonly batchSize: number,
    private readonly maxWaitMs: number,
  ) {}

  /** True once a write has failed; producers should stop, close() rethrows the error. */
  get failed(): boolean {
    return this.error !== null;
  }

  add(row: T): void {
    if (this.rows.length === 0) {
      this.oldest = performance.now();
      this.timer = setTimeout(() => this.flush(), this.maxWaitMs);
    }
    this.rows.push(row);
    if (this.rows.length >= this.batchSize || performance.now() - this.oldest >= this.maxWaitMs) this.flush();
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.rows.length === 0) return;
    const batch = this.rows;
    this.rows = [];
    this.chain = this.chain.then(async () => {
      if (this.error !== null) return;
      try {
        await this.write(batch);
      } catch (err) {
        this.error = err;
      }
    });
  }

  /** Writes what is pending and waits for every write; throws the first write error. */
  async close(): Promise<void> {
    this.flush();
    await this.chain;
    if (this.error !== null) throw this.error;
  }
}
