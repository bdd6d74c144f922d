/**
 * Line handling for a child's output: split a byte stream into lines, keep the
 * last few (for WorkerCrashedError), and optionally forward each line with a
 * prefix (`stdio: 'pipe'`). Pure, so it is tested without any process.
 */

/** Longest line kept in the tail; a runaway line without newlines must not grow memory. */
const MAX_LINE = 2_000;

export class LineTail {
  private readonly lines: string[] = [];
  private partial = '';

  constructor(
    private readonly keep = 20,
    /** Called with each complete line (without its newline). */
    private readonly onLine?: (line: string) => void,
  ) {}

  push(chunk: string): void {
    let text = this.partial + chunk;
    let nl = text.indexOf('\n');
    while (nl >= 0) {
      this.line(text.slice(0, nl));
      text = text.slice(nl + 1);
      nl = text.indexOf('\n');
    }
    // A partial line that will not end: cut it into MAX_LINE pieces.
    while (text.length > MAX_LINE) {
      this.line(text.slice(0, MAX_LINE));
      text = text.slice(MAX_LINE);
    }
    this.partial = text;
  }

  /** The stream ended: a last line without a newline still counts. */
  end(): void {
    if (this.partial) this.line(this.partial);
    this.partial = '';
  }

  /** The last `keep` lines, oldest first. */
  tail(): string[] {
    return this.partial ? [...this.lines, this.partial].slice(-this.keep) : [...this.lines];
  }

  private line(raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    this.onLine?.(line);
    this.lines.push(line);
    if (this.lines.length > this.keep) this.lines.shift();
  }
}
