/** Caps memory: 200k ids with their 64-char hashes stay around 30 MB. */
const MAX_ENTRIES = 200_000;

/**
 * id → content hash of the open project's images, learnt from the images.page answers the
 * grid always asks for before it shows thumbnails, so most thumbnail requests skip the
 * database. Entries belong to one store; they are dropped when the project changes (after an
 * ingest a hash may differ) or another project opens.
 */
export class ThumbIndex {
  private owner: object | null = null;
  private readonly hashes = new Map<number, string>();

  learn(store: object, items: readonly { id: number; hash: string }[]): void {
    if (store !== this.owner) {
      this.owner = store;
      this.hashes.clear();
    }
    if (this.hashes.size + items.length > MAX_ENTRIES) this.hashes.clear();
    for (const it of items) this.hashes.set(it.id, it.hash);
  }

  get(store: object, id: number): string | undefined {
    return store === this.owner ? this.hashes.get(id) : undefined;
  }

  clear(): void {
    this.hashes.clear();
  }
}
