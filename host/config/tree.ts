// The configuration document as Falco's yaml_helper sees it: scalars stay untyped text until a
// key is read with a type (yaml-cpp semantics), `${VAR}` is expanded when a file is loaded, and
// keys are addressed with dotted paths and `[N]` / `[]` (append) list indexes, as `-o` uses them.
import { isMap, isScalar, isSeq, parseDocument, Scalar, type Node as YamlNode } from 'yaml';

/** A node of the document. `null` is YAML's null (`~`, `null`, an empty value). */
export type ConfigNode = string | null | ConfigNode[] | ConfigMap;
export interface ConfigMap { [key: string]: ConfigNode }

export class ConfigError extends Error {}

const NULL_WORDS = new Set(['', '~', 'null', 'Null', 'NULL']);

/** Parses YAML text into untyped nodes (every scalar is its source text, like yaml-cpp). */
export function parseConfigYaml(text: string): ConfigNode {
  const doc = parseDocument(text, { schema: 'failsafe', uniqueKeys: false });
  if (doc.errors.length > 0) throw new ConfigError(doc.errors[0]!.message);
  return fromYaml(doc.contents);
}

function fromYaml(node: unknown): ConfigNode {
  if (node === null || node === undefined) return null;
  if (isScalar(node)) {
    const text = node.value === null || node.value === undefined ? '' : String(node.value);
    const plain = node.type === Scalar.PLAIN || node.type === undefined;
    return plain && NULL_WORDS.has(text) ? null : text;
  }
  if (isSeq(node)) return node.items.map((item) => fromYaml(item));
  if (isMap(node)) {
    const out: ConfigMap = {};
    for (const pair of node.items) {
      const key = fromYaml(pair.key as YamlNode | null);
      out[typeof key === 'string' ? key : String(key)] = fromYaml(pair.value);
    }
    return out;
  }
  return null;
}

/**
 * Falco's environment expansion, applied to every scalar of a loaded file: `${NAME}` becomes the
 * variable's value (or nothing when unset) and `$${text}` becomes the literal `${text}`.
 */
export function expandEnv(value: string, env: NodeJS.ProcessEnv): string {
  let out = value;
  let at = out.indexOf('$');
  while (at !== -1) {
    const rest = out.slice(at);
    if (rest.startsWith('${')) {
      const end = rest.indexOf('}');
      if (end === -1) break;
      const name = rest.slice(2, end);
      const replacement = env[name] ?? '';
      out = out.slice(0, at) + replacement + out.slice(at + name.length + 3);
      // Falco resumes the scan where the substitution started.
    } else if (rest.startsWith('$${')) {
      if (rest.indexOf('}') === -1) break;
      out = out.slice(0, at) + out.slice(at + 1);
      at += 1;
    } else {
      at += rest.length;
    }
    at = out.indexOf('$', at);
  }
  return out;
}

export function expandEnvInTree(node: ConfigNode, env: NodeJS.ProcessEnv): ConfigNode {
  if (node === null) return null;
  if (typeof node === 'string') return expandEnv(node, env);
  if (Array.isArray(node)) return node.map((n) => expandEnvInTree(n, env));
  const out: ConfigMap = {};
  for (const [k, v] of Object.entries(node)) out[k] = expandEnvInTree(v, env);
  return out;
}

type PathStep = { key: string } | { index: number } | { append: true };

/** Splits `a.b[2].c` / `list[]` the way yaml_helper::get_node walks it. */
export function parseKeyPath(key: string, allowAppend: boolean): PathStep[] {
  const steps: PathStep[] = [];
  const fail = (why: string): never => {
    throw new ConfigError(`Config error at key "${key}": ${why}`);
  };
  let name = '';
  for (let i = 0; i < key.length; i++) {
    const c = key[i]!;
    const shift = c === '.' || c === '[' || i === key.length - 1;
    if (c !== '.' && c !== '[') {
      if (i > 0 && name === '' && key[i - 1] !== '.') fail(`Parsing error: expected '.' character at pos ${i - 1}`);
      name += c;
    }
    if (shift) {
      if (name === '') fail(`Parsing error: unexpected character at pos ${i}`);
      steps.push({ key: name });
      name = '';
    }
    if (c === '[') {
      let close = key.indexOf(']', i);
      if (close === -1) close = key.length;
      const idx = key.slice(i + 1, close);
      if (idx === '' && allowAppend) steps.push({ append: true });
      else if (/^\s*[+-]?\d+/.test(idx)) steps.push({ index: Number.parseInt(idx, 10) });
      else fail(`Parsing error: expected a numeric index, found '${idx}'`);
      i = close;
      if (i < key.length - 1 && key[i + 1] === '.') i++;
    }
  }
  return steps;
}

/** Reads the node at a key path, or `undefined` when any step is missing. */
export function getAt(root: ConfigNode, key: string): ConfigNode | undefined {
  let cur: ConfigNode | undefined = root;
  for (const step of parseKeyPath(key, false)) {
    if (cur === undefined || cur === null || typeof cur === 'string') return undefined;
    if ('key' in step) {
      cur = Array.isArray(cur) ? undefined : Object.prototype.hasOwnProperty.call(cur, step.key) ? cur[step.key] : undefined;
    } else if ('index' in step) {
      cur = Array.isArray(cur) ? cur[step.index] : undefined;
    } else {
      return undefined;
    }
  }
  return cur;
}

/** Sets the node at a key path, creating maps on the way and appending for `[]`. Returns the new root. */
export function setAt(root: ConfigNode, key: string, value: ConfigNode): ConfigNode {
  const steps = parseKeyPath(key, true);
  const fail = (why: string): never => {
    throw new ConfigError(`Config error at key "${key}": ${why}`);
  };
  const assign = (node: ConfigNode | undefined, at: number): ConfigNode => {
    if (at === steps.length) return value;
    const step = steps[at]!;
    if ('key' in step) {
      const map: ConfigMap = node !== null && node !== undefined && typeof node === 'object' && !Array.isArray(node) ? node : node === null || node === undefined ? {} : fail('operator[] call on a scalar');
      map[step.key] = assign(map[step.key], at + 1);
      return map;
    }
    const seq: ConfigNode[] = Array.isArray(node) ? node : node === null || node === undefined ? [] : fail('expected a sequence');
    const index = 'index' in step ? step.index : seq.length;
    if (index < 0 || index > seq.length) fail(`index ${index} is out of range`);
    seq[index] = assign(seq[index], at + 1);
    return seq;
  };
  return assign(root, 0);
}
