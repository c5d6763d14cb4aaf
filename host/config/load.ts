// Loads the configuration as Falco's falco_configuration::init_from_file does: the main file,
// `-o config_files=...` options, the included config files, then every `-o key=value`, then the
// typed read. Without a file, the embedded defaults take the main file's place.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { embeddedDefaults } from './defaults.js';
import { checkConfigValues, readConfig, unknownConfigKeys, validateConfigFile, type SakerConfig } from './keys.js';
import { ConfigError, expandEnvInTree, getAt, parseConfigYaml, setAt, type ConfigMap, type ConfigNode } from './tree.js';

/** A config file that could not be read or parsed (Falco prints this line before failing). */
export class ConfigReadError extends ConfigError {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export interface LoadedConfigFile {
  path: string;
  /** `ok`, or `failed for <key>: <why>`. */
  validation: string;
}

export interface LoadedConfig {
  config: SakerConfig;
  /** The merged document after `-o` overrides. */
  tree: ConfigNode;
  /** The main config file, or null when running on the embedded defaults. */
  mainFile: string | null;
  /** Every config file read, main file first. Empty for the embedded defaults. */
  files: LoadedConfigFile[];
  /** The main file's text (`--support` reports it); empty for the embedded defaults. */
  mainText: string;
  /** Keys of the merged document that neither Falco nor Saker knows (the CLI warns about them). */
  unknownKeys: string[];
}

export interface LoadConfigOptions {
  /** The config file, or null for the embedded defaults. */
  file: string | null;
  /** `-o key=value` options, in command-line order. */
  overrides: readonly string[];
  env?: NodeJS.ProcessEnv;
}

const CONFIG_FILES_KEY = 'config_files';

function readYamlFile(path: string, env: NodeJS.ProcessEnv): { tree: ConfigNode; text: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigReadError(path, `bad file: ${path}`);
  }
  try {
    return { tree: expandEnvInTree(parseConfigYaml(text), env), text };
  } catch (e) {
    throw new ConfigReadError(path, e instanceof Error ? e.message : String(e));
  }
}

/** Splits `key=value` at the first `=`; `{...}` values are parsed as YAML objects. */
export function applyOverride(tree: ConfigNode, option: string): ConfigNode {
  const eq = option.indexOf('=');
  if (eq === -1) {
    throw new ConfigError(`Error parsing config option "${option}". Must be of the form key=val or key.subkey=val`);
  }
  const key = option.slice(0, eq);
  const value = option.slice(eq + 1);
  if (value.startsWith('{') && value.endsWith('}')) return setAt(tree, key, parseConfigYaml(value));
  return setAt(tree, key, value);
}

type MergeStrategy = 'append' | 'override' | 'add-only';

interface IncludeEntry {
  path: string;
  strategy: MergeStrategy;
}

function includeEntries(tree: ConfigNode, configName: string): IncludeEntry[] {
  const node = getAt(tree, CONFIG_FILES_KEY);
  if (node === undefined || node === null) return [];
  const items = Array.isArray(node) ? node : [node];
  return items.map((item) => {
    if (typeof item === 'string') return { path: item, strategy: 'append' as const };
    if (item !== null && typeof item === 'object' && !Array.isArray(item) && typeof item.path === 'string') {
      const strategy = item.strategy ?? 'append';
      if (strategy !== 'append' && strategy !== 'override' && strategy !== 'add-only') {
        throw new ConfigError(`Error reading config file (${configName}): unknown '${CONFIG_FILES_KEY}' strategy '${String(strategy)}'`);
      }
      return { path: item.path, strategy };
    }
    throw new ConfigError(`Error reading config file (${configName}): each '${CONFIG_FILES_KEY}' entry must be a path or a map with 'path'`);
  });
}

/** Merges an included file's top-level keys into the root with the entry's strategy. */
function mergeInto(root: ConfigMap, included: ConfigNode, strategy: MergeStrategy, path: string): void {
  if (included === null) return;
  if (typeof included !== 'object' || Array.isArray(included)) {
    throw new ConfigReadError(path, `${path}: an included config file must be a map`);
  }
  for (const [key, value] of Object.entries(included)) {
    if (key === CONFIG_FILES_KEY) {
      throw new ConfigError(`Config error: '${CONFIG_FILES_KEY}' directive in included config file ${path}.`);
    }
    const has = Object.prototype.hasOwnProperty.call(root, key);
    if (strategy === 'add-only' && has) continue;
    const current = root[key];
    if (strategy === 'append' && has && Array.isArray(current) && Array.isArray(value)) root[key] = [...current, ...value];
    else root[key] = value;
  }
}

function mergeConfigFiles(root: ConfigMap, mainFile: string, env: NodeJS.ProcessEnv, files: LoadedConfigFile[]): void {
  for (const entry of includeEntries(root, mainFile)) {
    if (entry.path === mainFile) {
      throw new ConfigError(`Config error: '${CONFIG_FILES_KEY}' directive tried to recursively include main config file: ${mainFile}.`);
    }
    // Like rules files, an include that does not exist is skipped.
    if (!existsSync(entry.path)) continue;
    const paths = statSync(entry.path).isDirectory()
      ? readdirSync(entry.path)
          .map((name) => join(entry.path, name))
          .filter((p) => statSync(p).isFile())
          .sort()
      : [entry.path];
    for (const p of paths) {
      const { tree } = readYamlFile(p, env);
      files.push({ path: p, validation: validateConfigFile(tree) });
      mergeInto(root, tree, entry.strategy, p);
    }
  }
}

export function loadConfig(opts: LoadConfigOptions): LoadedConfig {
  const env = opts.env ?? process.env;
  const files: LoadedConfigFile[] = [];
  let root: ConfigNode;
  let mainText = '';
  const configName = opts.file ?? '<embedded defaults>';

  if (opts.file !== null) {
    const main = readYamlFile(opts.file, env);
    mainText = main.text;
    root = main.tree;
    files.push({ path: opts.file, validation: validateConfigFile(root) });
    if (root === null) root = {};
    // `-o config_files=...` must be known before the includes are merged.
    for (const o of opts.overrides) if (o.startsWith(CONFIG_FILES_KEY)) root = applyOverride(root, o);
    if (typeof root === 'object' && !Array.isArray(root) && root !== null) mergeConfigFiles(root, opts.file, env, files);
  } else {
    root = embeddedDefaults();
  }

  for (const o of opts.overrides) root = applyOverride(root, o);

  const config = readConfig(root, configName);
  checkConfigValues(root, configName);
  // Falco keeps only the configured rules paths that exist.
  config.rulesFiles = config.rulesFiles.filter((p) => existsSync(p));
  return { config, tree: root, mainFile: opts.file, files, mainText, unknownKeys: unknownConfigKeys(root) };
}
