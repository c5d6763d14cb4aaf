// AssemblyScript entry for the regex tests: the matcher plus a scratch allocator.
import { regexMatch as match, regexMatchNfa as matchNfa } from '../../../engine-as/regex';

export function alloc(len: u32): usize {
  return heap.alloc(len == 0 ? 1 : len);
}

export function regexMatch(table: usize, s: usize, len: u32): bool {
  return match(table, s, len);
}

export function regexMatchNfa(table: usize, scratch: usize, s: usize, len: u32): bool {
  return matchNfa(table, scratch, s, len);
}
