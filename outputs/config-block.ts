// The shared opening of a channel's config block (`email_output`, `sns_output`, …): absent or
// `enabled: false` means the channel is off and nothing else is checked; otherwise settings are read
// as single scalar values, and every error names the full key.
import { ConfigError, type ConfigNode } from '../host/config/tree.js';
import { toBool, toText } from '../host/config/scalars.js';

export interface EnabledBlock {
  /** The block's settings map. */
  node: Record<string, ConfigNode>;
  /** `name` → `block.name`, for error messages. */
  key: (name: string) => string;
  /** A setting as text; undefined when absent or null; a list or map is an error. */
  text: (name: string) => string | undefined;
}

/** Opens `blockKey`'s settings; undefined when the block is absent or disabled. */
export function openEnabledBlock(node: ConfigNode | undefined, blockKey: string): EnabledBlock | undefined {
  if (node === undefined || node === null) return undefined;
  if (typeof node !== 'object' || Array.isArray(node)) throw new ConfigError(`${blockKey}: expected a map of settings`);
  const map = node as Record<string, ConfigNode>;
  const key = (name: string): string => `${blockKey}.${name}`;
  const text = (name: string): string | undefined => {
    const v = map[name];
    if (v === undefined || v === null) return undefined;
    const s = toText(v);
    if (s === undefined) throw new ConfigError(`${key(name)}: expected a single value`);
    return s;
  };
  const enabledText = map['enabled'];
  const enabled = enabledText === undefined || enabledText === null ? false : toBool(enabledText);
  if (enabled === undefined) throw new ConfigError(`${key('enabled')}: expected true or false`);
  return enabled ? { node: map, key, text } : undefined;
}
