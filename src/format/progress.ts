/**
 * Progress of a long command (demo, bench) on stderr: a bar redrawn in place on a
 * terminal, plain lines otherwise (CI logs, pipes), so stdout carries only the
 * tables or JSON. The one progress bar of the CLI.
 *
 * Kept by hand (40 lines) rather than cli-progress: the part that matters here is the
 * off-terminal form (one `demo [3/10] label` line per step, nothing redrawn), which
 * cli-progress does not write (it prints nothing, or its bar, when stderr is not a TTY),
 * and an unref'd redraw timer so a progress bar never keeps the process alive.
 */
export interface ProgressSink {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface Progress {
  step(label: string): void;
  done(): void;
}

export function bar(fraction: number, width: number): string {
  const full = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return '█'.repeat(full) + '░'.repeat(width - full);
}

/** `name` starts each line: the command it belongs to. */
export function progress(total: number, sink: ProgressSink, name = 'demo'): Progress {
  let done = -1;
  const started = performance.now();
  let lastLabel = '';
  const draw = () => {
    const secs = ((performance.now() - started) / 1000).toFixed(0);
    const line = `${name} ${bar(Math.max(0, done) / total, 24)} ${Math.max(0, done)}/${total} ${secs}s  ${lastLabel}`;
    const width = Math.max(20, (sink.columns ?? 80) - 1);
    sink.write(`\r\x1b[2K${line.slice(0, width)}`);
  };
  // On a terminal the bar also moves while a long step runs (the seconds count up).
  const timer = sink.isTTY ? setInterval(draw, 250) : undefined;
  timer?.unref();
  return {
    step(label) {
      done++;
      lastLabel = label;
      if (sink.isTTY) draw();
      else sink.write(`${name} [${done + 1}/${total}] ${label}\n`);
    },
    done() {
      if (timer) clearInterval(timer);
      if (sink.isTTY) sink.write('\r\x1b[2K');
    },
  };
}
