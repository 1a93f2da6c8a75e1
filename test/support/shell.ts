/**
 * Just enough of POSIX shell to read the `cdkfed` command lines of a CI script: words with
 * quotes, line continuations, and the operators that end a simple command (; && || | and
 * redirections). Not a shell: `$VAR` stays as written, no expansion.
 */

/** One simple command: its words (quotes removed) and its redirections. */
export interface SimpleCommand {
  readonly words: string[];
  readonly redirects: string[];
  /** 1-based line of the script where the command starts. */
  readonly line: number;
}

const OPERATORS = ['&&', '||', ';', '|', '&'];
const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', '(']);

/** The simple commands of a script, in order; `if`/`then`/… keywords in front are dropped. */
export function simpleCommands(script: string): SimpleCommand[] {
  const out: SimpleCommand[] = [];
  let words: string[] = [];
  let redirects: string[] = [];
  let line = 1;
  let start = 1;
  let i = 0;
  const flush = () => {
    while (words.length && KEYWORDS.has(words[0])) words.shift();
    if (words.length) out.push({ words, redirects, line: start });
    words = [];
    redirects = [];
  };
  const word = (): string => {
    let w = '';
    while (i < script.length) {
      const c = script[i];
      if (c === '\\' && script[i + 1] === '\n') {
        i += 2;
        line++;
        continue;
      }
      if (/\s/.test(c) || ';&|<>'.includes(c)) break;
      if (c === '\'') {
        const end = script.indexOf('\'', i + 1);
        w += script.slice(i + 1, end);
        i = end + 1;
      } else if (c === '"') {
        i++;
        let depth = 0;
        while (i < script.length && (script[i] !== '"' || depth > 0)) {
          if (script[i] === '\\' && i + 1 < script.length) {
            w += script[i + 1];
            i += 2;
            continue;
          }
          if (script.startsWith('$(', i)) depth++;
          else if (script[i] === ')' && depth > 0) depth--;
          if (script[i] === '\n') line++;
          w += script[i++];
        }
        i++;
      } else if (script.startsWith('$(', i)) {
        let depth = 0;
        do {
          if (script[i] === '(') depth++;
          if (script[i] === ')') depth--;
          w += script[i++];
        } while (i < script.length && depth > 0);
      } else {
        w += c;
        i++;
      }
    }
    return w;
  };
  while (i < script.length) {
    const c = script[i];
    if (c === '\\' && script[i + 1] === '\n') {
      i += 2;
      line++;
    } else if (c === '\n') {
      flush();
      line++;
      i++;
      start = line;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === '#' && (i === 0 || /\s/.test(script[i - 1]))) {
      while (i < script.length && script[i] !== '\n') i++;
    } else if (OPERATORS.some((op) => script.startsWith(op, i))) {
      const op = OPERATORS.find((o) => script.startsWith(o, i))!;
      flush();
      start = line;
      i += op.length;
    } else if (/^(\d?>>?|<)/.test(script.slice(i, i + 3))) {
      const op = /^(\d?>>?|<)/.exec(script.slice(i, i + 3))![1];
      i += op.length;
      while (script[i] === ' ') i++;
      redirects.push(`${op}${word()}`);
    } else {
      const w = word();
      if (/^\d$/.test(w) && script[i] === '>') continue;
      words.push(w);
    }
  }
  flush();
  return out;
}

/** The arguments after `cdkfed` (run as `cdkfed …` or `npx cdkfed …`) of a simple command, or undefined. */
export function cdkfedArgs(cmd: SimpleCommand): string[] | undefined {
  let w = cmd.words;
  while (w.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w[0])) w = w.slice(1);
  if (w[0] === 'npx' && w[1] === 'cdkfed') return w.slice(2);
  if (w[0] === 'cdkfed') return w.slice(1);
  return undefined;
}
