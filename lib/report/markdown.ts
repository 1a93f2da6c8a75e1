/**
 * Markdown building blocks for reports posted as pull-request comments: fences, inline text
 * and code spans that no content can break (#15), Mermaid ids. Pure.
 */

/** The longest run of backticks in s. */
function longestBacktickRun(s: string): number {
  return Math.max(0, ...(s.match(/`+/g) ?? []).map((r) => r.length));
}

/**
 * A fenced code block that no content can end early: CommonMark closes a backtick fence only
 * with a run of backticks at least as long as the opening one, so the fence is one longer than
 * any run inside (and at least 3).
 */
export function fenced(body: string, info = ''): string[] {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(body) + 1));
  return [`${fence}${info}`, body, fence];
}

/** Inline text on one line: a line break in content could otherwise start a block (a fence, a heading) in the middle of the report; `<` would start HTML. */
export function mdText(s: string): string {
  return s.replace(/\r\n|\r|\n/g, ' ').replace(/</g, '&lt;');
}

/** An inline code span that holds any text: its backtick run is longer than any inside, padded when the text starts or ends with a backtick or space. */
export function mdCode(s: string): string {
  const t = s.replace(/\r\n|\r|\n/g, ' ');
  if (t.trim() === '') return '` `';
  const ticks = '`'.repeat(longestBacktickRun(t) + 1);
  const pad = /^[` ]|[` ]$/.test(t) ? ' ' : '';
  return `${ticks}${pad}${t}${pad}${ticks}`;
}

export function mermaidId(s: string): string {
  return s.replace(/[^A-Za-z0-9_]/g, '_');
}
