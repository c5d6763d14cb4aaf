// YAML documents as yaml-cpp presents them to Falco's reader: every scalar is its source text
// (no number or boolean typing), `~`/`null`/empty plain scalars are null, map lookups return the
// first matching key, and every node carries a zero-based mark (offset, line, column).
import { Alias, Document, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, Scalar } from 'yaml';
import type { Node as YamlNode, ParsedNode } from 'yaml';
import type { Mark } from './context.js';

export type YNode = YMap | YSeq | YScalar | YNull;

export interface YMap { kind: 'map'; mark: Mark; entries: { key: YNode; value: YNode }[] }
export interface YSeq { kind: 'seq'; mark: Mark; items: YNode[] }
export interface YScalar { kind: 'scalar'; mark: Mark; value: string }
export interface YNull { kind: 'null'; mark: Mark }

export interface YamlParseFailure {
  /** yaml-cpp style message: "yaml-cpp: error at line L, column C: <what>". */
  message: string;
  mark: Mark;
}

export type YamlReadResult = { ok: true; documents: (YNode | undefined)[] } | { ok: false; error: YamlParseFailure };

const NULL_WORDS = new Set(['~', 'null', 'Null', 'NULL', '']);

/** Computes zero-based line/column marks from character offsets. */
class MarkTable {
  private readonly lineStarts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
  }
  at(pos: number): Mark {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return { pos, line: lo, column: pos - this.lineStarts[lo]! };
  }
}

// yaml-cpp's wording for the failures a rules author most often makes.
function yamlCppWording(code: string, message: string): string {
  switch (code) {
    case 'TAB_AS_INDENT':
      return 'illegal tab when looking for indentation';
    case 'MISSING_CHAR':
      if (message.includes(']')) return 'end of sequence flow not found';
      if (message.includes('}')) return 'end of map flow not found';
      return 'illegal EOF in scalar';
    case 'BAD_ALIAS':
      return 'the referenced anchor is not defined';
    case 'BLOCK_IN_FLOW':
      return 'illegal flow end';
    case 'BAD_INDENT':
      return 'end of map not found';
    default:
      return 'illegal map value';
  }
}

// The last parse, kept for one more read of the same text: the CLI validates a rules file's shape and
// then loads it, and the YAML parse is the larger part of both. Used once, then dropped, so a later
// reload of an unchanged file never sees nodes a previous load worked on.
let kept: { text: string; result: YamlReadResult } | undefined;

/** Parses `text` and keeps the result for the next readYamlDocuments() of the same text. */
export function readYamlDocumentsKept(text: string): YamlReadResult {
  const result = readYamlDocuments(text);
  kept = { text, result };
  return result;
}

export function readYamlDocuments(text: string): YamlReadResult {
  if (kept !== undefined && kept.text === text) {
    const { result } = kept;
    kept = undefined;
    return result;
  }
  kept = undefined;
  const marks = new MarkTable(text);
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { schema: 'failsafe', uniqueKeys: false, strict: false }) as Document.Parsed[];
  } catch (e) {
    return { ok: false, error: { message: `yaml-cpp: ${(e as Error).message}`, mark: marks.at(0) } };
  }
  if (!Array.isArray(docs)) docs = [];
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) {
      const mark = marks.at(Math.min(err.pos[0], text.length));
      return {
        ok: false,
        error: {
          message: `yaml-cpp: error at line ${mark.line + 1}, column ${mark.column + 1}: ${yamlCppWording(err.code, err.message)}`,
          mark,
        },
      };
    }
  }
  const convert = (node: YamlNode | null | undefined, fallback: number, doc: Document.Parsed, seen: Set<unknown>): YNode => {
    if (node === null || node === undefined) return { kind: 'null', mark: marks.at(fallback) };
    const start = node.range ? node.range[0] : fallback;
    const mark = marks.at(start);
    if (isAlias(node)) {
      const target = (node as Alias).resolve(doc);
      if (!target || seen.has(target)) return { kind: 'null', mark };
      seen.add(target);
      const out = convert(target as YamlNode, start, doc, seen);
      seen.delete(target);
      return out;
    }
    if (isScalar(node)) {
      const s = node as Scalar;
      const raw = s.value === null || s.value === undefined ? '' : String(s.value);
      if (s.type === Scalar.PLAIN && NULL_WORDS.has(raw)) return { kind: 'null', mark };
      return { kind: 'scalar', mark, value: raw };
    }
    if (isMap(node)) {
      const entries: { key: YNode; value: YNode }[] = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = convert(pair.key as YamlNode, start, doc, seen);
        const keyEnd = (pair.key as YamlNode | null)?.range?.[1] ?? start;
        entries.push({ key, value: convert(pair.value as YamlNode, keyEnd, doc, seen) });
      }
      return { kind: 'map', mark, entries };
    }
    if (isSeq(node)) {
      return { kind: 'seq', mark, items: node.items.map((n) => convert(n as YamlNode, start, doc, seen)) };
    }
    return { kind: 'null', mark };
  };
  return {
    ok: true,
    documents: docs.map((doc) => (doc.contents === null ? undefined : convert(doc.contents as ParsedNode, 0, doc, new Set()))),
  };
}

/** yaml-cpp's `node[key]`: the value of the first entry whose key is that scalar, if any. */
export function lookup(node: YNode, key: string): YNode | undefined {
  if (node.kind !== 'map') return undefined;
  for (const e of node.entries) if (e.key.kind === 'scalar' && e.key.value === key) return e.value;
  return undefined;
}

/** The keys of a map that are scalars, in document order. */
export function mapKeys(node: YMap): { key: string; node: YNode }[] {
  return node.entries.filter((e) => e.key.kind === 'scalar').map((e) => ({ key: (e.key as YScalar).value, node: e.key }));
}
