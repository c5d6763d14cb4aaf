// `engine.modern_ebpf.*` as capture options: `cpus_for_each_buffer` CPUs share one ring (0 = one
// ring for all CPUs) and `buf_size_preset` picks the ring size from Falco's table (index N is
// 2^(N-1) MB, 1..10; 0 is reserved). Missing keys take Falco's defaults, 2 and 4 (8 MB).
import { cpus } from 'node:os';
import { getAt, type ConfigNode } from '../config/tree.js';
import { CaptureStartError } from './event-source.js';

export interface ModernEbpfOptions {
  cpusPerRing: number;
  ringBytes: number;
}

function intAt(tree: ConfigNode, key: string, fallback: number): number {
  const node = getAt(tree, key);
  if (node === undefined || node === null) return fallback;
  if (typeof node !== 'string' || !/^\d+$/.test(node.trim())) throw new CaptureStartError(`${key}: '${String(node)}' is not a non-negative integer`);
  return Number.parseInt(node.trim(), 10);
}

export function modernEbpfOptions(tree: ConfigNode, cpuCount = cpus().length): ModernEbpfOptions {
  const perBuffer = intAt(tree, 'engine.modern_ebpf.cpus_for_each_buffer', 2);
  const preset = intAt(tree, 'engine.modern_ebpf.buf_size_preset', 4);
  if (preset < 1 || preset > 10) throw new CaptureStartError(`engine.modern_ebpf.buf_size_preset: ${preset} is not an index from 1 to 10`);
  return { cpusPerRing: perBuffer === 0 ? Math.max(1, cpuCount) : perBuffer, ringBytes: (1 << 20) * 2 ** (preset - 1) };
}
