// Reads the bash-array configuration file as data. It understands exactly the subset of
// shell that such files use (assignments, ( arrays ), quotes, comments, continuation lines)
// and rejects everything a shell would run or expand, saying where.

export interface Assignment {
  key: string;
  values: string[];
  isArray: boolean;
  line: number;
}

export interface LexError {
  line: number;
  message: string;
}

export interface LexResult {
  assignments: Assignment[];
  errors: LexError[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Characters a shell gives meaning to when unquoted.
const SPECIAL: Record<string, string> = {
  $: 'variable expansion or command substitution ($)',
  '`': 'command substitution (backticks)',
  ';': 'a command separator (;)',
  '&': 'a background or list operator (&)',
  '|': 'a pipe (|)',
  '<': 'a redirection (<)',
  '>': 'a redirection (>)',
  '(': 'a subshell or array outside an assignment (()',
  ')': 'an unmatched )',
  '{': 'brace expansion ({)',
  '}': 'brace expansion (})',
  '*': 'a glob (*)',
  '?': 'a glob (?)',
  '[': 'a glob or array index ([)',
  ']': 'a glob or array index (])',
  '!': 'history expansion (!)',
};

class Cursor {
  pos = 0;
  line = 1;
  constructor(readonly text: string) {}
  peek(offset = 0): string | undefined {
    return this.text[this.pos + offset];
  }
  next(): string | undefined {
    const ch = this.text[this.pos++];
    if (ch === '\n') this.line++;
    return ch;
  }
  atEnd(): boolean {
    return this.pos >= this.text.length;
  }
}

class LexFailure extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** Skips blanks, continuation lines and (when allowed) newlines and comments. */
function skipSpace(c: Cursor, newlines: boolean): void {
  for (;;) {
    const ch = c.peek();
    if (ch === ' ' || ch === '\t' || ch === '\r') c.next();
    else if (ch === '\\' && c.peek(1) === '\n') {
      c.next();
      c.next();
    } else if (ch === '#') {
      while (!c.atEnd() && c.peek() !== '\n') c.next();
    } else if (ch === '\n' && newlines) c.next();
    else return;
  }
}

function readSingleQuoted(c: Cursor): string {
  const start = c.line;
  c.next();
  let out = '';
  for (;;) {
    if (c.atEnd()) throw new LexFailure(start, "unterminated single quote (')");
    const ch = c.next();
    if (ch === "'") return out;
    out += ch;
  }
}

function readDoubleQuoted(c: Cursor): string {
  const start = c.line;
  c.next();
  let out = '';
  for (;;) {
    if (c.atEnd()) throw new LexFailure(start, 'unterminated double quote (")');
    const ch = c.next();
    if (ch === '"') return out;
    if (ch === '$' || ch === '`') {
      throw new LexFailure(c.line, `${SPECIAL[ch]} inside double quotes is not allowed: the file is data, not a script`);
    }
    if (ch === '\\') {
      const esc = c.peek();
      if (esc === '\n') {
        c.next();
        continue;
      }
      if (esc === '"' || esc === '\\' || esc === '$' || esc === '`') {
        out += c.next();
        continue;
      }
    }
    out += ch;
  }
}

/** Reads one word; returns undefined when there is none at the cursor. */
function readWord(c: Cursor): string | undefined {
  let out = '';
  let any = false;
  for (;;) {
    const ch = c.peek();
    if (ch === undefined || ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') break;
    if (ch === '#' && !any) break;
    if (ch === "'") out += readSingleQuoted(c);
    else if (ch === '"') out += readDoubleQuoted(c);
    else if (ch === '\\') {
      c.next();
      const esc = c.next();
      if (esc === undefined) throw new LexFailure(c.line, 'a continuation backslash (\\) ends the file: the line continues into nothing');
      if (esc !== '\n') out += esc;
    } else if (ch === ')') break;
    else if (ch in SPECIAL) {
      throw new LexFailure(c.line, `${SPECIAL[ch]} is not allowed: the file is data, not a script (quote the value if it is meant literally)`);
    } else if (ch === '~' && !any) {
      throw new LexFailure(c.line, 'tilde expansion (~) is not allowed');
    } else out += c.next();
    any = true;
  }
  return any ? out : undefined;
}

function readArray(c: Cursor, key: string): string[] {
  const start = c.line;
  c.next(); // (
  const values: string[] = [];
  for (;;) {
    skipSpace(c, true);
    const ch = c.peek();
    if (ch === undefined) throw new LexFailure(start, `array ${key} is not closed with )`);
    if (ch === ')') {
      c.next();
      return values;
    }
    if (ch === '(') throw new LexFailure(c.line, `nested ( inside array ${key}`);
    const opening = /^([A-Za-z_][A-Za-z0-9_]*)=\(/.exec(c.text.slice(c.pos, c.pos + 80));
    if (opening) throw new LexFailure(start, `array ${key} is not closed with ) before ${opening[1]} on line ${c.line}`);
    const word = readWord(c);
    if (word === undefined) throw new LexFailure(c.line, `unexpected character ${JSON.stringify(ch)} in array ${key}`);
    if (/^\[.*\]=/.test(word)) throw new LexFailure(c.line, `indexed array elements ([n]=value) are not supported in ${key}`);
    values.push(word);
  }
}

function readStatement(c: Cursor): Assignment {
  const line = c.line;
  let key = '';
  while (!c.atEnd() && /[A-Za-z0-9_]/.test(c.peek() ?? '')) key += c.next();
  const op = c.peek();
  if (key === '' || op !== '=' || !NAME.test(key)) {
    if (key !== '' && op === '+' && c.peek(1) === '=') throw new LexFailure(line, `appending (+=) to ${key} is not supported`);
    if (key !== '' && op === '[') throw new LexFailure(line, `indexed assignment (${key}[n]=...) is not supported; write the whole array`);
    let rest = key;
    while (!c.atEnd() && c.peek() !== '\n' && rest.length < 40) rest += c.next();
    throw new LexFailure(line, `expected NAME=value or NAME=( ... ), found ${JSON.stringify(rest.trim())}`);
  }
  c.next(); // =
  let values: string[];
  let isArray = false;
  if (c.peek() === '(') {
    values = readArray(c, key);
    isArray = true;
  } else {
    values = [readWord(c) ?? ''];
  }
  skipSpace(c, false);
  const after = c.peek();
  if (after === '\\' && c.peek(1) === undefined) throw new LexFailure(c.line, 'a continuation backslash (\\) ends the file: the line continues into nothing');
  if (after !== undefined && after !== '\n') {
    if (after in SPECIAL) throw new LexFailure(c.line, `${SPECIAL[after]} is not allowed: the file is data, not a script`);
    throw new LexFailure(c.line, `unexpected text after the assignment to ${key} (a shell would run it as a command)`);
  }
  return { key, values, isArray, line };
}

/** Tokenises the file. Stops at the first syntax error: after one, line boundaries are unreliable. */
export function lex(text: string): LexResult {
  const c = new Cursor(text);
  const assignments: Assignment[] = [];
  try {
    for (;;) {
      skipSpace(c, true);
      if (c.atEnd()) break;
      assignments.push(readStatement(c));
    }
  } catch (err) {
    if (err instanceof LexFailure) return { assignments, errors: [{ line: err.line, message: err.message }] };
    throw err;
  }
  return { assignments, errors: [] };
}
