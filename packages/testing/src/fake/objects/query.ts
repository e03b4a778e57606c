/**
 * The `q` filter of v3 objects, as Informatica documents it: conditions `field operator value`
 * joined with `and`, values in single quotes (double quotes and bare words are read too: clients
 * send `type==DTEMPLATE`). A value may itself hold " and " inside its quotes.
 */

export interface ObjectFacts {
  path: string;
  type: string;
  updatedBy: string;
  /** Epoch ms. */
  updateTime: number;
  tags: readonly string[];
}

export type Condition = (asset: ObjectFacts) => boolean;

export type QueryResult = { ok: true; conditions: Condition[]; locations: string[] } | { ok: false; message: string };

type Operator = '==' | '!=' | '<' | '<=' | '>' | '>=';

const OPERATORS_BY_FIELD: Record<string, readonly Operator[]> = {
  type: ['==', '!='],
  location: ['=='],
  updatedBy: ['==', '!='],
  updateTime: ['<', '<=', '==', '>=', '>', '!='],
  tag: ['==', '!='],
};

/** Parses `q`; an unknown field, operator or a malformed condition is a message naming it. */
export function parseQuery(q: string): QueryResult {
  const conditions: Condition[] = [];
  const locations: string[] = [];
  let rest = q.trim();
  if (rest === '') return { ok: true, conditions, locations };
  for (;;) {
    const head = /^([A-Za-z][\w.]*)\s*(==|!=|<=|=>|>=|<|>)\s*/.exec(rest);
    if (!head) return { ok: false, message: `Invalid query parameter: cannot read a condition at "${rest.slice(0, 60)}".` };
    const field = head[1]!;
    // The documentation writes "=>"; it means ">=".
    const op = (head[2] === '=>' ? '>=' : head[2]) as Operator;
    rest = rest.slice(head[0].length);
    const allowed = OPERATORS_BY_FIELD[field];
    if (!allowed) {
      return { ok: false, message: `Invalid query parameter: the field "${field.slice(0, 60)}" is not supported; use ${Object.keys(OPERATORS_BY_FIELD).join(', ')}.` };
    }
    if (!allowed.includes(op)) return { ok: false, message: `Invalid query parameter: ${field} takes ${allowed.join(' ')}, not ${op}.` };
    const value = readValue(rest);
    if (!value) return { ok: false, message: `Invalid query parameter: ${field}${op} needs a value in quotes.` };
    rest = value.rest.trim();
    const made = condition(field, op, value.text);
    if (typeof made === 'string') return { ok: false, message: made };
    conditions.push(made);
    if (field === 'location') locations.push(value.text);
    if (rest === '') return { ok: true, conditions, locations };
    const and = /^and\s+/i.exec(rest);
    if (!and) return { ok: false, message: `Invalid query parameter: expected "and" before "${rest.slice(0, 60)}".` };
    rest = rest.slice(and[0].length);
  }
}

function readValue(text: string): { text: string; rest: string } | undefined {
  const quote = text[0];
  if (quote === "'" || quote === '"') {
    const end = text.indexOf(quote, 1);
    if (end < 0) return undefined;
    return { text: text.slice(1, end), rest: text.slice(end + 1) };
  }
  const bare = /^[^\s'"]+/.exec(text);
  return bare ? { text: bare[0], rest: text.slice(bare[0].length) } : undefined;
}

function condition(field: string, op: Operator, value: string): Condition | string {
  switch (field) {
    case 'type': {
      // Object types are not case sensitive.
      const wanted = value.toUpperCase();
      return op === '==' ? (a) => a.type === wanted : (a) => a.type !== wanted;
    }
    case 'location':
      // The assets directly in that project or folder.
      return (a) => parentOf(a.path) === value;
    case 'updatedBy':
      return op === '==' ? (a) => a.updatedBy === value : (a) => a.updatedBy !== value;
    case 'tag':
      return op === '==' ? (a) => a.tags.includes(value) : (a) => !a.tags.includes(value);
    default: {
      const at = Date.parse(value);
      if (!Number.isFinite(at)) return `Invalid query parameter: updateTime needs a date and time such as '2021-08-03T18:59:52Z', got '${value.slice(0, 40)}'.`;
      return (a) => compare(a.updateTime, op, at);
    }
  }
}

function compare(left: number, op: Operator, right: number): boolean {
  switch (op) {
    case '==':
      return left === right;
    case '!=':
      return left !== right;
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '>':
      return left > right;
    default:
      return left >= right;
  }
}

export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}
