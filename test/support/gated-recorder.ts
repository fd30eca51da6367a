/**
 * A host recorder (an in-memory one) whose next flush — a turn's end-of-turn durability
 * barrier — waits until the test releases it, so a test can act while a turn is in
 * `completing.flushing`.
 */
import { MemoryRecorder } from 'turnstate';

export class GatedRecorder extends MemoryRecorder {
  private hold: { reached: () => void; released: Promise<void> } | null = null;

  /** Arms the gate; `reached` resolves when the next flush starts, `release` lets it finish. */
  armNextFlush(): { reached: Promise<void>; release: () => void } {
    let release!: () => void;
    let reached!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const reachedP = new Promise<void>((r) => (reached = r));
    this.hold = { reached, released };
    return { reached: reachedP, release };
  }

  override async flush(): Promise<void> {
    const hold = this.hold;
    this.hold = null;
    if (hold) {
      hold.reached();
      await hold.released;
    }
    return super.flush();
  }
}
