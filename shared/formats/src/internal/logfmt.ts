/**
 * `key=value key="quoted \"value\""` pairs (logrus text, ztunnel, cilium-agent). Linear: one pass, no
 * backtracking. Words without `=` are ignored; a later key wins.
 */
export function logfmt(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  const n = s.length;
  while (i < n) {
    while (i < n && isSpace(s.charCodeAt(i))) i++;
    const keyStart = i;
    while (i < n && s[i] !== '=' && !isSpace(s.charCodeAt(i))) i++;
    const key = s.slice(keyStart, i);
    if (i >= n || s[i] !== '=') continue; // a bare word
    i++; // '='
    let value = '';
    if (s[i] === '"') {
      i++;
      let buf = '';
      while (i < n && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < n) {
          const c = s[i + 1];
          buf += c === 'n' ? '\n' : c === 't' ? '\t' : (c ?? '');
          i += 2;
        } else buf += s[i++];
      }
      i++; // closing quote (or end)
      value = buf;
    } else {
      const start = i;
      while (i < n && !isSpace(s.charCodeAt(i))) i++;
      value = s.slice(start, i);
    }
    if (key !== '') out[key] = value;
  }
  return out;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}
