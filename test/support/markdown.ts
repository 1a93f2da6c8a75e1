/**
 * Fenced code blocks of a markdown document as CommonMark 0.31 §4.5 reads them (top-level
 * blocks only, which is all plan and drift write): an opening run of 3+ backticks (info
 * without backticks) or tildes, indented 0-3 spaces; it closes at a line of the same
 * character, at least as long, indented 0-3 spaces, followed only by spaces or tabs; an
 * unclosed fence runs to the end. Lines end at \n, \r\n or \r, as in CommonMark.
 */
export interface Fence {
  readonly info: string;
  readonly body: string;
  readonly closed: boolean;
  /** Line numbers (0-based) of the opening and closing fence lines. */
  readonly open: number;
  readonly close?: number;
}

export function fences(md: string): Fence[] {
  const lines = md.split(/\r\n|\r|\n/);
  const out: Fence[] = [];
  let cur: { char: string; len: number; indent: number; info: string; open: number; body: string[] } | undefined;
  lines.forEach((line, i) => {
    if (!cur) {
      const m = /^( {0,3})(`{3,}|~{3,})(.*)$/.exec(line);
      if (m && !(m[2][0] === '`' && m[3].includes('`'))) cur = { char: m[2][0], len: m[2].length, indent: m[1].length, info: m[3].trim(), open: i, body: [] };
      return;
    }
    const close = new RegExp(`^ {0,3}${cur.char === '`' ? '`' : '~'}{${cur.len},}[ \\t]*$`);
    if (close.test(line)) {
      out.push({ info: cur.info, body: cur.body.join('\n'), closed: true, open: cur.open, close: i });
      cur = undefined;
      return;
    }
    // Content lines lose up to the opening fence's indentation.
    cur.body.push(line.replace(new RegExp(`^ {0,${cur.indent}}`), ''));
  });
  if (cur) out.push({ info: cur.info, body: cur.body.join('\n'), closed: false, open: cur.open });
  return out;
}
