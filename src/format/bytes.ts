/**
 * Sizes for people. Bytes go through pretty-bytes (decimal units, as `ls -h --si`
 * and /proc's "kB" mean them: 1 kB = 1000 B); memory figures that are already in
 * MB (RSS samples) are shown whole.
 */
import prettyBytes from 'pretty-bytes';

/** `0 B`, `512 B`, `1.3 kB`, `2 MB`, `1.5 GB`: at most one decimal, always `en-US` digits. */
export function formatBytes(bytes: number): string {
  return prettyBytes(bytes, { maximumFractionDigits: 1, locale: 'en-US' });
}

/** A figure already in MB, whole: `81 MB`. */
export function formatMb(mb: number): string {
  return `${mb.toFixed(0)} MB`;
}
