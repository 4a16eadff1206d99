/** Deeper than any real manifest (CRD schemas reach ~60), far below where the yaml parser's recursion gives out. */
export const MAX_YAML_DEPTH = 256;

/**
 * An upper estimate of a YAML text's nesting, in one linear pass: block levels (a stack of indentation
 * widths), compact `- - -` sequences, and flow brackets outside quotes and comments. Deeply nested input
 * must never reach the yaml parser: its recursion exhausts the stack, and V8 can die outright (a fatal
 * out-of-memory in the regexp compiler) instead of throwing. Returns the 1-based line where the limit is passed.
 */
export function yamlTooDeep(text: string, max = MAX_YAML_DEPTH): number | undefined {
  const indents: number[] = [];
  let flow = 0;
  let line = 0;
  for (const raw of text.split('\n')) {
    line++;
    let i = 0;
    while (raw[i] === ' ') i++;
    if (i === raw.length || raw[i] === '#') continue;
    if (flow === 0) {
      while (indents.length > 0 && (indents[indents.length - 1] ?? 0) >= i) indents.pop();
      indents.push(i);
    }
    let dashes = 0;
    for (let j = i; raw[j] === '-' && (raw[j + 1] === ' ' || j + 1 === raw.length); j += 2) dashes++;
    let quote: string | undefined;
    for (let j = i; j < raw.length; j++) {
      const c = raw[j];
      if (quote) {
        if (c === quote) quote = undefined;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '#' && (j === 0 || raw[j - 1] === ' ')) break;
      else if (c === '[' || c === '{') flow++;
      else if ((c === ']' || c === '}') && flow > 0) flow--;
      if (indents.length + dashes + flow > max) return line;
    }
    if (indents.length + dashes + flow > max) return line;
  }
  return undefined;
}
