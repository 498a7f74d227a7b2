import type { Db } from "../db/client.ts";

export type LogRow = { stream: string; text: string; at: Date };
type Line = LogRow;

/**
 * Collects a step's output and writes it in chunks every `intervalMs`, so a chatty process
 * costs a few inserts a second and a crash loses at most the last interval.
 */
export class LogBuffer {
  private pending: Line[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private failing = false;

  constructor(
    private readonly db: Db,
    private readonly stepRunId: string,
    private readonly attempt: number,
    private readonly onFlush: (lines: number) => void,
    intervalMs = 250,
    private readonly maxChunk = 16_000,
  ) {
    this.timer = setInterval(() => void this.flush(), intervalMs);
  }

  /** One line from an executor (which strips the newline) or text that ends in its own newline. */
  push(stream: string, text: string) {
    if (!text) return;
    // Lines are stored end to end, so each keeps its newline or neighbours would run together.
    this.pending.push({ stream, text: text.endsWith("\n") ? text : `${text}\n`, at: new Date() });
  }

  /** Consecutive lines of one stream become one row, capped in size. */
  private take(): Line[] {
    const lines = this.pending;
    this.pending = [];
    const rows: Line[] = [];
    for (const l of lines) {
      const last = rows.at(-1);
      if (last && last.stream === l.stream && last.text.length + l.text.length < this.maxChunk) last.text += l.text;
      else rows.push({ ...l });
    }
    return rows;
  }

  flush(): Promise<void> {
    if (this.pending.length === 0) return this.flushing;
    const rows = this.take();
    this.flushing = this.flushing.then(async () => {
      await this.db.stepLog.createMany({ data: rows.map((r) => ({ stepRunId: this.stepRunId, attempt: this.attempt, stream: r.stream, text: r.text, at: r.at })) });
      this.failing = false;
      this.onFlush(rows.length);
    }).catch((err: Error) => {
      // Kept for the next flush or the outcome's tail: a database outage delays lines, never drops them.
      this.pending = [...rows, ...this.pending];
      if (!this.failing) console.error(`[runs] could not write log (kept, will retry): ${err.message}`);
      this.failing = true;
    });
    return this.flushing;
  }

  async close() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  /**
   * Stops the timer and hands back what is not written yet, after any write in flight, so the
   * caller stores the tail of the log in the same statement that records the step's outcome.
   */
  async drain(): Promise<LogRow[]> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flushing;
    return this.take();
  }
}
