/**
 * The statements of a .sql file, each with where its code starts and ends, so an editor can put a
 * "Run on Gold" lens on each and run one alone. Semicolons inside strings ('…', "…", $$…$$ or
 * $tag$…$tag$) and comments (-- …, /* … *\/) separate nothing.
 */
export interface SqlStatement {
  /** The statement's text from its first code character to its end (its `;` left out). */
  text: string;
  /** Offset of its first character that is code (not a comment, not whitespace). */
  start: number;
  /** Offset just past its last character before the `;` (or the end of the text). */
  end: number;
}

/** Where the quoted part or comment that opens at `i` ends (the offset past it); `i` when none opens there. */
function skipQuoted(text: string, i: number): number {
  const c = text[i];
  if (c === '-' && text[i + 1] === '-') {
    const eol = text.indexOf('\n', i);
    return eol < 0 ? text.length : eol + 1;
  }
  if (c === '/' && text[i + 1] === '*') {
    const close = text.indexOf('*/', i + 2);
    return close < 0 ? text.length : close + 2;
  }
  if (c === "'" || c === '"') {
    // A doubled quote is the quote itself ('it''s', "a""b").
    let j = i + 1;
    while (j < text.length) {
      if (text[j] === c && text[j + 1] === c) j += 2;
      else if (text[j] === c) return j + 1;
      else j += 1;
    }
    return text.length;
  }
  if (c === '$') {
    const tag = /^\$[A-Za-z_]*\$/.exec(text.slice(i, i + 64));
    if (tag) {
      const close = text.indexOf(tag[0], i + tag[0].length);
      return close < 0 ? text.length : close + tag[0].length;
    }
  }
  return i;
}

const isComment = (text: string, i: number) =>
  (text[i] === '-' && text[i + 1] === '-') || (text[i] === '/' && text[i + 1] === '*');

/** Splits SQL text at its top-level semicolons; statements that are only comments or whitespace are left out. */
export function splitStatements(text: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let start = -1;
  let end = -1;
  const close = () => {
    if (start >= 0) statements.push({ text: text.slice(start, end), start, end });
    start = -1;
  };
  let i = 0;
  while (i < text.length) {
    if (text[i] === ';') {
      close();
      i += 1;
      continue;
    }
    const past = skipQuoted(text, i);
    if (past > i) {
      // A comment before any code does not start the statement (its lens sits on the code's line).
      if (!isComment(text, i)) {
        if (start < 0) start = i;
        end = past;
      }
      i = past;
      continue;
    }
    if (!/\s/.test(text[i])) {
      if (start < 0) start = i;
      end = i + 1;
    }
    i += 1;
  }
  close();
  return statements;
}

/**
 * The statement to run for a cursor at `offset`: the one it is in, else the nearest one before it (a cursor
 * after a statement's `;`), else the first one after it.
 */
export function statementAt(statements: SqlStatement[], offset: number): SqlStatement | undefined {
  const before = statements.filter((s) => s.start <= offset);
  return before.length ? before[before.length - 1] : statements[0];
}
