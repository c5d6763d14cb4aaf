// `pmatch`: path prefix sets with the semantics of libs' path_prefix_search. Paths are split on '/'
// with empty components dropped (so "/a//b/" == "a/b"); a search path matches a subject when its
// components are a prefix of the subject's. A component containing '?', '*' or '[' is a glob
// (fnmatch, no flags) matched against one subject component. Adding /usr after /usr/lib (or the
// reverse) keeps only /usr. Matching tries the exact child first, then the glob children in order;
// like libs, each glob child that matches but fails deeper moves the subject position on by one.
import { globMatch } from './glob';

class PNode {
  // Children by exact component and by glob component; key bytes are copied into the node.
  direct: PNode[] = [];
  globs: PNode[] = [];
  key: usize = 0;
  keyLen: u32 = 0;
  // A terminal node ends a search path (libs: a null subtree).
  terminal: bool = false;
}

// Scratch list of subject components as (start, length) pairs.
const compStart: u32[] = [];
const compLen: u32[] = [];

function split(p: usize, len: u32): i32 {
  compStart.length = 0;
  compLen.length = 0;
  let i: u32 = 0;
  while (i < len) {
    let j = i;
    while (j < len && load<u8>(p + j) != 0x2f) j++;
    if (j > i) {
      compStart.push(i);
      compLen.push(j - i);
    }
    i = j + 1;
  }
  return compStart.length;
}

function isGlob(p: usize, len: u32): bool {
  for (let i: u32 = 0; i < len; i++) {
    const c = load<u8>(p + i);
    if (c == 0x3f || c == 0x2a || c == 0x5b) return true;
  }
  return false;
}

function findChild(list: PNode[], p: usize, len: u32): PNode | null {
  for (let i = 0; i < list.length; i++) {
    const n = unchecked(list[i]);
    if (n.keyLen == len && memory.compare(n.key, p, len) == 0) return n;
  }
  return null;
}

export class PathPrefixSet {
  // The implicit "root" entry libs puts in front of every path.
  private root: PNode = new PNode();
  private empty: bool = true;

  add(p: usize, len: u32): void {
    const n = split(p, len);
    const starts = compStart.slice(0);
    const lens = compLen.slice(0);
    if (this.empty) {
      this.empty = false;
      if (n == 0) this.root.terminal = true;
    } else if (this.root.terminal) {
      return; // "/" already covers everything
    } else if (n == 0) {
      this.root.terminal = true;
      this.root.direct = [];
      this.root.globs = [];
      return;
    }
    let node = this.root;
    for (let k = 0; k < n; k++) {
      const s = p + unchecked(starts[k]);
      const l = unchecked(lens[k]);
      const list = isGlob(s, l) ? node.globs : node.direct;
      const last = k == n - 1;
      let child = findChild(list, s, l);
      if (child === null) {
        const c = new PNode();
        c.key = heap.alloc(l);
        memory.copy(c.key, s, l);
        c.keyLen = l;
        c.terminal = last;
        list.push(c);
        child = c;
      } else if (last) {
        child.terminal = true; // a shorter path replaces the longer ones below it
        child.direct = [];
        child.globs = [];
        return;
      } else if (child.terminal) {
        return; // an existing shorter path already covers this one
      }
      node = child;
    }
  }

  match(p: usize, len: u32): bool {
    if (this.empty) return false;
    const n = split(p, len);
    return check(this.root, p, n);
  }
}

// Matching is libs' recursion (check a node, then its exact child, then its glob children in
// order), run on an explicit stack so that deep search paths cannot exhaust the Wasm or shadow stack.
const PH_ENTER = 0;
const PH_AFTER_DIRECT = 1;
const PH_GLOBS = 2;
const PH_AFTER_GLOB = 3;
const stNode: PNode[] = [];
const stCi: i32[] = [];
const stPhase: i32[] = [];
const stGlob: i32[] = []; // next glob child to try
const stC: i32[] = []; // subject component the next glob child is tested against

function push(node: PNode, ci: i32): void {
  stNode.push(node);
  stCi.push(ci);
  stPhase.push(PH_ENTER);
  stGlob.push(0);
  stC.push(ci);
}

function pop(): void {
  stNode.pop();
  stCi.pop();
  stPhase.pop();
  stGlob.pop();
  stC.pop();
}

function check(root: PNode, p: usize, n: i32): bool {
  stNode.length = 0;
  stCi.length = 0;
  stPhase.length = 0;
  stGlob.length = 0;
  stC.length = 0;
  push(root, 0);
  let ret = false;
  while (stNode.length > 0) {
    const top = stNode.length - 1;
    const node = unchecked(stNode[top]);
    const ci = unchecked(stCi[top]);
    const phase = unchecked(stPhase[top]);
    if (phase == PH_ENTER) {
      if (ci == n) { // "/var" does not match the search path "/var/run"
        ret = node.terminal;
        pop();
        continue;
      }
      if (node.terminal) {
        ret = true;
        pop();
        continue;
      }
      const d = findChild(node.direct, p + unchecked(compStart[ci]), unchecked(compLen[ci]));
      if (d !== null) {
        unchecked((stPhase[top] = PH_AFTER_DIRECT));
        push(d, ci + 1);
        continue;
      }
      unchecked((stPhase[top] = PH_GLOBS));
      continue;
    }
    if ((phase == PH_AFTER_DIRECT || phase == PH_AFTER_GLOB) && ret) {
      pop();
      continue;
    }
    // PH_GLOBS, or a child returned false: try the next glob child. Like libs, the subject
    // position moves on each time a glob child matches but fails deeper.
    let gi = unchecked(stGlob[top]);
    let c = unchecked(stC[top]);
    let descended = false;
    while (gi < node.globs.length) {
      if (c >= n) break;
      const g = unchecked(node.globs[gi]);
      gi++;
      if (globMatch(g.key, g.keyLen, p + unchecked(compStart[c]), unchecked(compLen[c]), false)) {
        c++;
        unchecked((stGlob[top] = gi));
        unchecked((stC[top] = c));
        unchecked((stPhase[top] = PH_AFTER_GLOB));
        push(g, c);
        descended = true;
        break;
      }
    }
    if (descended) continue;
    ret = false;
    pop();
  }
  return ret;
}
