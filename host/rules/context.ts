// Where a load error or warning points: a chain of locations from the rules file down to the
// item, key or condition character, printed the way Falco prints it ("In rules content: (f:0:0)").
// Positions follow yaml-cpp marks: zero-based offset, line and column.

export type ItemType =
  | 'value for'
  | 'exceptions'
  | 'exception'
  | 'exception values'
  | 'exception value'
  | 'rules content'
  | 'rules content item'
  | 'required_engine_version'
  | 'required plugin versions'
  | 'required plugin versions entry'
  | 'required plugin versions alternative'
  | 'list'
  | 'list item'
  | 'macro'
  | 'macro condition'
  | 'rule'
  | 'rule condition'
  | 'condition expression'
  | 'rule output'
  | 'rule output expression'
  | 'rule priority'
  | 'overrides'
  | 'extension item';

export interface Mark {
  pos: number;
  line: number;
  column: number;
}

export interface Location {
  /** The content name (a file name), or for condition expressions a quoted prefix of the condition. */
  name: string;
  pos: Mark;
  itemType: ItemType;
  itemName: string;
}

/** A condition-parser position (libs pos_info: idx zero-based, line and col one-based). */
export interface ConditionPos {
  idx: number;
  line: number;
  col: number;
}

export const SNIPPET_WIDTH = 160;

export class LoadContext {
  readonly locations: readonly Location[];
  /** When set, snippets come from this text (a condition) instead of the rules file. */
  readonly altContent: string;

  private constructor(locations: Location[], altContent: string) {
    this.locations = locations;
    this.altContent = altContent;
  }

  /** The root context of a rules file: the whole document at 0:0. */
  static root(name: string): LoadContext {
    return new LoadContext([{ name, pos: { pos: 0, line: 0, column: 0 }, itemType: 'rules content', itemName: '' }], '');
  }

  /** A child location inside the same content (YAML node mark). */
  child(mark: Mark, itemType: ItemType, itemName: string): LoadContext {
    return new LoadContext([...this.locations, { name: this.name, pos: { ...mark }, itemType, itemName }], '');
  }

  /**
   * A location inside a condition string. Falco adds the parser's (one-based) line and column
   * to the parent's (zero-based) mark as they are, and names the location after the first 20
   * characters of the condition; we keep both quirks because users see them.
   */
  inCondition(pos: ConditionPos, condition: string): LoadContext {
    let label = condition.length > 20 ? `"${condition.slice(0, 17)}..."` : `"${condition}"`;
    label = label.replace(/[\n\r]/g, ' ');
    const last = this.locations[this.locations.length - 1]!;
    const mark: Mark = {
      pos: pos.idx + last.pos.pos,
      line: pos.line + last.pos.line,
      column: pos.col + last.pos.column,
    };
    return new LoadContext(
      [...this.locations, { name: label, pos: mark, itemType: 'condition expression', itemName: '' }],
      condition,
    );
  }

  get name(): string {
    return this.locations[0]!.name;
  }

  asString(): string {
    let out = '';
    this.locations.forEach((loc, i) => {
      out += i === 0 ? 'In ' : '    ';
      out += loc.itemType;
      if (loc.itemName !== '') out += ` '${loc.itemName}'`;
      out += `: (${loc.name}:${loc.pos.line}:${loc.pos.column})\n`;
    });
    return out;
  }

  asJson(): { locations: JsonLocation[] } {
    return {
      // Keys in nlohmann::json's (sorted) order, so the serialised report matches Falco's.
      locations: this.locations.map((loc) => ({
        item_name: loc.itemName,
        item_type: loc.itemType,
        position: { column: loc.pos.column, line: loc.pos.line, name: loc.name, offset: loc.pos.pos },
      })),
    };
  }

  /**
   * The line around this context's last position with a caret under it, capped at `width`
   * characters, as Falco's context::snippet builds it.
   */
  snippet(contents: ReadonlyMap<string, string>, width = SNIPPET_WIDTH): string {
    const loc = this.locations[this.locations.length - 1]!;
    const fileContent = contents.get(loc.name);
    if (this.altContent === '' && fileContent === undefined) {
      return `<No context for file + ${loc.name}>\n`;
    }
    const text = this.altContent !== '' ? this.altContent : fileContent!;
    if (text === '') return '<No context available>\n';
    const half = Math.floor(width / 2);
    let pos = loc.pos.pos;
    while (pos > 0 && (pos >= text.length || text[pos] === '\n')) pos--;
    let from = pos;
    while (from > 0 && text[from] !== '\n' && pos - from < half) from--;
    let to = pos;
    while (to < text.length - 1 && text[to] !== '\n' && to - pos < half) to++;
    if (from < text.length && text[from] === '\n') from++;
    if (to < text.length && text[to] === '\n') to--;
    let ret = to >= from ? text.slice(from, to + 1) : '';
    if (ret === '') return '<No context available>\n';
    if (pos - from >= half) ret = '...' + ret.slice(3);
    if (to - pos >= half) ret = ret.slice(0, Math.max(0, ret.length - 3)) + '...';
    ret += '\n';
    if (pos - from <= ret.length - 1) ret += ' '.repeat(Math.max(0, pos - from)) + '^\n';
    return ret;
  }
}

export interface JsonLocation {
  item_name: string;
  item_type: string;
  position: { column: number; line: number; name: string; offset: number };
}
