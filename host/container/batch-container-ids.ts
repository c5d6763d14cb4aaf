// Container ids a batch refers to without a container record (metadata not known to the addon
// yet): read straight from the process table, without decoding the whole batch.
import { HEADER, NONE_INDEX, PROCESS } from '../engine/batch-layout.js';

const decoder = new TextDecoder('utf-8');

export function containerIdsWithoutRecord(batch: Uint8Array): Set<string> {
  const ids = new Set<string>();
  if (batch.byteLength < HEADER.size) return ids;
  const dv = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
  const procOff = dv.getUint32(HEADER.processes, true);
  const procCount = dv.getUint32(HEADER.processes + 4, true);
  const strOff = dv.getUint32(HEADER.stringsOffset, true);
  const strLen = dv.getUint32(HEADER.stringsLength, true);
  if (strOff + strLen > batch.byteLength) return ids;
  for (let i = 0; i < procCount; i++) {
    const at = procOff + i * PROCESS.size;
    if (at + PROCESS.size > batch.byteLength) break;
    if (dv.getUint32(at + PROCESS.container, true) !== NONE_INDEX) continue;
    const off = dv.getUint32(at + PROCESS.containerId, true);
    const len = dv.getUint32(at + PROCESS.containerId + 4, true);
    if (len === 0 || off + len > strLen) continue;
    const id = decoder.decode(batch.subarray(strOff + off, strOff + off + len));
    if (id !== 'host') ids.add(id);
  }
  return ids;
}
