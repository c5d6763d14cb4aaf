// Falco builds a rule's final condition as text before parsing it: exceptions are appended as
// "and not (...)" clauses and list names are replaced by their items. These functions reproduce
// that text exactly, including its quirks (quoting only items with spaces, no escaping).
import { LIST_OPERATORS } from './collector.js';
import type { ExceptionInfo } from './infos.js';
import { RuleLoadError } from './result.js';

/** Falco's quote_item: wrap in double quotes an item containing a space that is not already quoted. */
export function quoteItem(e: string): string {
  if (e.includes(' ') && e[0] !== '"' && e[0] !== "'") return `"${e}"`;
  return e;
}

function parenItem(e: string): string {
  return e[0] !== '(' ? `(${e})` : e;
}

const BLANKS = ' \t\n\r';
const DELIMS = BLANKS + '(),=';

// no character of DELIMS is special inside a character class
const DELIM_RUN = new RegExp(`[${DELIMS}]+`);

/** The whole words of a condition as substituteList() sees them (between its delimiters). */
export function conditionWords(cnd: string): Set<string> {
  return new Set(cnd.split(DELIM_RUN));
}

/**
 * Replaces every whole-word occurrence of `name` (bounded by blanks, parentheses, commas, '=' or
 * the string ends) with the list's items joined by ", ". Returns the new text and whether the
 * list was used. Mirrors Falco's resolve_list, scanning positions the same way.
 */
export function substituteList(cnd: string, name: string, items: readonly string[]): { text: string; used: boolean } {
  if (name === '') return { text: cnd, used: false };
  let used = false;
  let start = cnd.indexOf(name);
  while (start !== -1) {
    let end = start + name.length;
    const before = start === 0 || DELIMS.includes(cnd[start - 1]!);
    const after = end >= cnd.length || DELIMS.includes(cnd[end]!);
    if (before && after) {
      while (start > 0 && BLANKS.includes(cnd[start - 1]!)) start--;
      while (end < cnd.length && BLANKS.includes(cnd[end]!)) end++;
      const sub = items.map(quoteItem).join(', ');
      // An empty list must also drop one neighbouring comma to stay parseable.
      if (sub === '') {
        if (start > 0 && cnd[start - 1] === ',') start--;
        else if (end < cnd.length && cnd[end] === ',') end++;
      }
      let next = '';
      if (start > 0) next += cnd.slice(0, start) + ' ';
      next += sub + ' ';
      if (end <= cnd.length) next += cnd.slice(end);
      cnd = next;
      start += sub.length + 1;
      used = true;
    }
    start = cnd.indexOf(name, start + 1);
  }
  return { text: cnd, used };
}

/**
 * Appends each exception as " and not (...)" to "(<condition>)", as Falco's
 * build_rule_exception_infos does, and collects the fields exceptions compare.
 */
export function foldExceptions(
  condition: string,
  exceptions: readonly ExceptionInfo[],
): { condition: string; exceptionFields: string[] } {
  const fields = new Set<string>();
  let out = `(${condition})`;
  for (const ex of exceptions) {
    let icond = '';
    if (!ex.fields.isList) {
      for (const val of ex.values) {
        if (val.isList) {
          throw new RuleLoadError('LOAD_ERR_VALIDATE', 'Expected values array to contain a list of strings', ex.ctx);
        }
        icond += icond === '' ? `(${ex.fields.item} ${ex.comps.item} (` : ', ';
        fields.add(ex.fields.item);
        icond += quoteItem(val.item);
      }
      icond += icond === '' ? '' : '))';
    } else {
      icond = '(';
      for (const values of ex.values) {
        if (ex.fields.items.length !== values.items.length) {
          throw new RuleLoadError('LOAD_ERR_VALIDATE', 'Fields and values lists must have equal length', ex.ctx);
        }
        icond += icond === '(' ? '' : ' or ';
        icond += '(';
        ex.fields.items.forEach((field, k) => {
          icond += k === 0 ? '' : ' and ';
          const value = values.items[k]!;
          let istr: string;
          if (value.isList) {
            istr = '(' + value.items.map((v) => quoteItem(v.item)).join(', ') + ')';
          } else {
            const comp = ex.comps.items[k]?.item ?? '=';
            istr = LIST_OPERATORS.includes(comp) ? parenItem(value.item) : quoteItem(value.item);
          }
          icond += ` ${field.item} ${ex.comps.items[k]?.item ?? '='} ${istr}`;
          fields.add(field.item);
        });
        icond += ')';
      }
      icond += ')';
      if (icond === '()') icond = '';
    }
    out += icond === '' ? '' : ' and not ' + icond;
  }
  return { condition: out, exceptionFields: [...fields].sort() };
}
