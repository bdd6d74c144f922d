/** Human-readable rendering of block reports and the exit summary (stderr). */
import { relative } from 'node:path';
import pc from 'picocolors';
import type { BlockReport, StackFrame, WatchSummary } from './types.js';

const MAX_FRAMES = 8;

function shortFile(file: string): string {
  if (!file.startsWith('/')) return file;
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

function frameLine(f: StackFrame): string {
  return `${f.functionName || '<anonymous>'} ${pc.dim(`${shortFile(f.file)}:${f.line}:${f.column}`)}`;
}

/** Full report for the first block at a place, one line for repeats. */
export function formatBlock(report: BlockReport): string {
  const ms = `${Math.round(report.durationMs)} ms`;
  const where = report.captured
    ? `${report.functionName || '<anonymous>'} (${shortFile(report.file)}:${report.line})`
    : 'an unknown place (the stack could not be captured in time)';
  if (report.count > 1) {
    return `${pc.yellow('boundwise watch:')} event loop blocked ${ms} again in ${where} ×${report.count}\n`;
  }
  const lines = [`${pc.yellow('boundwise watch:')} event loop blocked ${pc.bold(ms)} (threshold ${report.thresholdMs} ms) in ${pc.bold(where)}`];
  if (report.via) lines.push(`  inside ${report.via}()${report.afterNativeCall ? ', a native call that held the thread' : ''}`);
  else if (report.afterNativeCall) lines.push('  inside a native call made here (the pause landed when it returned)');
  if (report.task) lines.push(`  task: ${report.task}`);
  for (const f of report.frames.slice(0, MAX_FRAMES)) lines.push(`    at ${frameLine(f)}`);
  if (report.frames.length > MAX_FRAMES) lines.push(pc.dim(`    … ${report.frames.length - MAX_FRAMES} more frames`));
  lines.push(`  ${pc.cyan('advice:')} ${report.advice}`);
  return lines.join('\n') + '\n';
}

/** The exit summary as watch() prints it to stderr: totals, one line per place, then the advice; '' when there was no block and no advice. */
export function formatSummary(summary: WatchSummary): string {
  const advice = summary.advice ?? [];
  if (summary.blocks === 0 && advice.length === 0) return '';
  const lines: string[] = [];
  if (summary.blocks > 0) {
    lines.push(
      `${pc.yellow('boundwise watch:')} ${summary.blocks} block${summary.blocks === 1 ? '' : 's'}, ${Math.round(summary.totalBlockedMs)} ms blocked in total` +
        (summary.longest ? `, longest ${Math.round(summary.longest.durationMs)} ms in ${summary.longest.place}` : ''),
    );
    for (const p of summary.places) {
      lines.push(`  ${String(p.count).padStart(4)}×  ${String(Math.round(p.totalMs)).padStart(7)} ms total  ${String(Math.round(p.longestMs)).padStart(6)} ms max  ${p.place}`);
    }
  }
  for (const a of advice) lines.push(`${pc.yellow('boundwise watch:')} ${pc.cyan('advice:')} ${a.message}`);
  return lines.join('\n') + '\n';
}
