// Renders engine-as/abi_generated.ts: the batch layout constants and event type ids as AssemblyScript,
// from the TypeScript tables, so the two sides cannot drift (a test compares the checked-in file).
import * as L from './batch-layout.js';
import { EVENT_TYPES, MAX_EVENT_TYPE_ID } from './event-types.js';

const snake = (s: string): string => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

function group(prefix: string, record: Readonly<Record<string, number>>, type = 'u32'): string[] {
  return Object.entries(record).map(([k, v]) => `export const ${prefix}_${snake(k)}: ${type} = ${v};`);
}

export const ABI_GENERATED_PATH = 'engine-as/abi_generated.ts';

export function renderAbiModule(): string {
  const lines: string[] = [
    '// GENERATED from host/engine/batch-layout.ts and host/engine/event-types.ts: do not edit.',
    '// Regenerate: UPDATE_GENERATED=1 npx vitest run test/engine/abi-generated.test.ts',
    '',
    `export const BATCH_MAGIC: u32 = 0x${L.BATCH_MAGIC.toString(16)};`,
    `export const BATCH_VERSION: u32 = ${L.BATCH_VERSION};`,
    `export const NONE_INDEX: u32 = 0x${L.NONE_INDEX.toString(16)};`,
    `export const MISSING_OFFSET: u32 = 0x${L.MISSING_OFFSET.toString(16)};`,
    `export const STR_REF_SIZE: u32 = ${L.STR_REF_SIZE};`,
    `export const TABLE_OFFSET: u32 = ${L.TABLE_OFFSET};`,
    `export const TABLE_COUNT: u32 = ${L.TABLE_COUNT};`,
    `export const TABLE_RECORD_SIZE: u32 = ${L.TABLE_RECORD_SIZE};`,
    '',
    '// Header',
    ...group('HEADER', L.HEADER),
    '',
    '// Event record',
    ...group('EVENT', L.EVENT),
    ...Object.entries(L)
      .filter(([k]) => k.startsWith('EVT_'))
      .map(([k, v]) => `export const ${k}: u32 = ${v as number};`),
    '',
    '// Process record',
    ...group('PROCESS', L.PROCESS),
    ...Object.entries(L)
      .filter(([k]) => k.startsWith('PROC_'))
      .map(([k, v]) => `export const ${k}: u32 = ${v as number};`),
    '',
    '// Container and mount records',
    ...group('CONTAINER', L.CONTAINER),
    ...Object.entries(L)
      .filter(([k]) => k.startsWith('CONTAINER_'))
      .map(([k, v]) => `export const ${k}: u32 = ${v as number};`),
    ...group('MOUNT', L.MOUNT),
    `export const MOUNT_RW: u32 = ${L.MOUNT_RW};`,
    `export const MOUNT_FLAGS_KNOWN: u32 = ${L.MOUNT_FLAGS_KNOWN};`,
    '',
    '// fd types, l4 protocols and socket families (batch-layout.ts FD_TYPES, L4_PROTOS, SOCK_FAMILY)',
    ...L.FD_TYPES.map((t, i) => `export const FD_TYPE_${t.toUpperCase()}: u8 = ${i};`),
    ...L.L4_PROTOS.map((t, i) => `export const L4_${t.toUpperCase()}: u8 = ${i};`),
    ...Object.entries(L.SOCK_FAMILY).map(([k, v]) => `export const SOCK_FAMILY_${k.toUpperCase()}: u8 = ${v};`),
    '',
    '// Event type ids (event-types.ts)',
    'export const EVT_TYPE_UNKNOWN: u16 = 0;',
    ...EVENT_TYPES.map((t) => `export const EVT_TYPE_${t.name.toUpperCase()}: u16 = ${t.id};`),
    `export const MAX_EVENT_TYPE_ID: u16 = ${MAX_EVENT_TYPE_ID};`,
    '',
  ];
  return lines.join('\n');
}

/** The event type table of engine-as/BATCH_ABI.md (a test checks the document contains it verbatim). */
export function renderEventTypeTable(): string {
  const rows = ['| id | evt.type | rules | res | args_num slots | args_str slots, fd section |', '|---|---|---|---|---|---|'];
  for (const t of EVENT_TYPES) {
    const res = t.params.find((p) => p.slot.kind === 'res');
    const nums = t.params.filter((p) => p.slot.kind === 'num').map((p) => `${p.slot.kind === 'num' ? p.slot.index : ''}:${p.name}`);
    const strs = t.params.flatMap((p) => {
      if (p.slot.kind === 'str') return [`${p.slot.index}:${p.name}`];
      if (p.nameSlot !== undefined) return [`${p.nameSlot}:${p.name}(name)`];
      return [];
    });
    const fdParams = t.params.filter((p) => p.slot.kind === 'fd').map((p) => p.name);
    const resText = res ? res.name : '';
    const strText = [...strs, ...fdParams.map((n) => `${n}→fd section`)].join(' ');
    rows.push(`| ${t.id} | ${t.name} | ${t.usedByUpstreamRules ? 'yes' : ''} | ${resText} | ${nums.join(' ')} | ${strText} |`);
  }
  return rows.join('\n');
}
