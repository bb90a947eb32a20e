import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temp directory plimsoll owns for one run; removed on dispose and on process exit/signals. */
export class TempDir {
  readonly path: string;
  private disposed = false;
  private readonly onExit = (): void => this.dispose();
  constructor(prefix = 'plimsoll-') {
    this.path = mkdtempSync(join(process.env.PLIMSOLL_TMPDIR ?? tmpdir(), prefix));
    process.once('exit', this.onExit);
  }
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    process.off('exit', this.onExit);
    rmSync(this.path, { recursive: true, force: true });
  }
}
