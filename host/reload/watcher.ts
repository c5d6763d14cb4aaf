// Watches the config file, every rules file and every rules folder for hot reload, and never
// stops: files are watched through their folder (editors replace files by rename, which a watch
// on the file itself would lose), a folder watch that errors is re-armed, and a periodic check
// re-arms any folder whose inode changed (renamed away, deleted, re-created) or that appeared.
import { statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

export interface WatchSet {
  /** Files whose own changes matter (config files, rules files). */
  files: readonly string[];
  /** Folders where any entry created, changed, deleted or renamed matters (rules.d, config.d). */
  dirs: readonly string[];
}

export interface WatcherOptions {
  /** Called on every relevant change, with the path that changed (undebounced). */
  onChange: (path: string) => void;
  /** How often folder identities are checked, ms (default 500). */
  recheckMs?: number;
  /** Where re-arm problems go. */
  log?: (message: string) => void;
}

interface DirWatch {
  dir: string;
  /** null = every entry matters; else only these names. */
  names: Set<string> | null;
  watcher: FSWatcher | undefined;
  /** `dev:ino` of the folder when armed; undefined when it did not exist. */
  identity: string | undefined;
}

function identityOf(path: string): string | undefined {
  try {
    const s = statSync(path);
    return s.isDirectory() ? `${s.dev}:${s.ino}` : undefined;
  } catch {
    return undefined;
  }
}

export class ConfigWatcher {
  private readonly dirs = new Map<string, DirWatch>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Times a folder watch was (re-)armed; tests read it. */
  arms = 0;

  constructor(private readonly options: WatcherOptions) {}

  /** Replaces what is watched; folders already watched keep their watch. */
  update(set: WatchSet): void {
    const wanted = new Map<string, Set<string> | null>();
    for (const d of set.dirs) wanted.set(resolve(d), null);
    for (const f of set.files) {
      const abs = resolve(f);
      const dir = dirname(abs);
      const prev = wanted.get(dir);
      if (prev === null) continue;
      (prev ?? wanted.set(dir, new Set()).get(dir)!).add(basename(abs));
    }
    for (const [dir, w] of this.dirs) {
      if (!wanted.has(dir)) {
        w.watcher?.close();
        this.dirs.delete(dir);
      }
    }
    for (const [dir, names] of wanted) {
      const existing = this.dirs.get(dir);
      if (existing) existing.names = names;
      else {
        const w: DirWatch = { dir, names, watcher: undefined, identity: undefined };
        this.dirs.set(dir, w);
        this.arm(w);
      }
    }
    if (!this.timer && !this.closed) {
      this.timer = setInterval(() => this.recheck(), this.options.recheckMs ?? 500);
      this.timer.unref();
    }
  }

  /** Folders currently watched (resolved paths). */
  watchedDirs(): string[] {
    return [...this.dirs.keys()];
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const w of this.dirs.values()) w.watcher?.close();
    this.dirs.clear();
  }

  private arm(w: DirWatch): void {
    w.watcher?.close();
    w.watcher = undefined;
    w.identity = identityOf(w.dir);
    if (w.identity === undefined || this.closed) return;
    try {
      const watcher = watch(w.dir, { persistent: false }, (_event, name) => {
        const entry = name === null ? null : String(name);
        if (w.names !== null && entry !== null && !w.names.has(entry)) return;
        // The folder itself deleted or renamed away: inotify names it by its own basename, which
        // is not an entry inside it.
        const self = entry === null || (entry === basename(w.dir) && identityOf(w.dir) !== w.identity);
        this.options.onChange(self ? w.dir : resolve(w.dir, entry));
      });
      watcher.on('error', (e) => {
        this.options.log?.(`watch on ${w.dir} failed (${e.message}), re-arming`);
        watcher.close();
        if (w.watcher === watcher) w.watcher = undefined;
        w.identity = undefined;
      });
      w.watcher = watcher;
      this.arms++;
    } catch (e) {
      this.options.log?.(`cannot watch ${w.dir}: ${e instanceof Error ? e.message : String(e)}`);
      w.identity = undefined;
    }
  }

  /** Re-arms folders that were replaced, re-created or lost their watch; a change is reported. */
  private recheck(): void {
    for (const w of this.dirs.values()) {
      const now = identityOf(w.dir);
      if (now === w.identity && (w.watcher !== undefined || now === undefined)) continue;
      const hadOne = w.identity !== undefined || w.watcher !== undefined;
      this.arm(w);
      if (hadOne || now !== undefined) this.options.onChange(w.dir);
    }
  }
}
