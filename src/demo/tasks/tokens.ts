/** Task module: count the tokens (words, numbers, punctuation) of short strings — microseconds of work each. */
const TOKEN = /[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu;

export function countTokens(text: string): number {
  let n = 0;
  TOKEN.lastIndex = 0;
  while (TOKEN.exec(text) !== null) n++;
  return n;
}

/** The fix for tiny tasks: one message carries a whole batch. */
export function countTokensBatch(texts: string[]): number[] {
  return texts.map(countTokens);
}

const WORDS = ['the', 'order', 'ships', 'today', 'price', 'is', '42.50', 'EUR', 'per', 'unit', 'and', 'we', 'refund', 'within', '14', 'days', 'if', 'not', 'happy', 'thanks'];

/** Deterministic short strings (5–16 words with punctuation), for the scenario and its test. */
export function makeTexts(count: number): string[] {
  const out: string[] = [];
  let s = 12345;
  const next = () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 8);
  for (let i = 0; i < count; i++) {
    const words: string[] = [];
    const n = 5 + (next() % 12);
    for (let k = 0; k < n; k++) words.push(WORDS[next() % WORDS.length]!);
    out.push(`${words.join(' ')}${next() % 2 ? '.' : '!'} (#${i})`);
  }
  return out;
}
