// The entry point of the single executable (Node SEA). The executable carries one asset, the
// application pack (compiled JS, bundled rules, the engine runtime sources, the runtime npm
// packages, and later the native capture addon), which it unpacks once per build into a cache
// folder and loads from there: a native addon and the compiler worker need real files.
'use strict';
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const { createRequire } = require('node:module');
const os = require('node:os');
const path = require('node:path');
const sea = require('node:sea');
const zlib = require('node:zlib');

const PACK_ASSET = 'app.pack.gz';

/** Where the pack is unpacked: SAKER_HOME, else /var/lib/saker (root), else the user's cache, else tmp. */
function candidateRoots() {
  const roots = [];
  if (process.env.SAKER_HOME) roots.push(process.env.SAKER_HOME);
  if (typeof process.getuid === 'function' && process.getuid() === 0) roots.push('/var/lib/saker');
  const home = os.homedir();
  if (process.env.XDG_CACHE_HOME) roots.push(path.join(process.env.XDG_CACHE_HOME, 'saker'));
  else if (home) roots.push(path.join(home, '.cache', 'saker'));
  roots.push(path.join(os.tmpdir(), `saker-${typeof process.getuid === 'function' ? process.getuid() : 'user'}`));
  return roots;
}

/** Pack format: u32 LE header length, JSON header [{path, size, mode}], then the file bytes in order. */
function unpack(buf, dest) {
  const headerLength = buf.readUInt32LE(0);
  const entries = JSON.parse(buf.subarray(4, 4 + headerLength).toString('utf8'));
  let at = 4 + headerLength;
  for (const e of entries) {
    const file = path.join(dest, e.path);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, buf.subarray(at, at + e.size), { mode: e.mode });
    at += e.size;
  }
}

function appDir() {
  const packed = Buffer.from(sea.getAsset(PACK_ASSET));
  const id = createHash('sha256').update(packed).digest('hex').slice(0, 16);
  let lastError;
  for (const root of candidateRoots()) {
    const dir = path.join(root, `app-${id}`);
    if (fs.existsSync(path.join(dir, '.complete'))) return dir;
    try {
      fs.mkdirSync(root, { recursive: true, mode: 0o755 });
      const tmp = fs.mkdtempSync(path.join(root, '.unpack-'));
      unpack(zlib.gunzipSync(packed), tmp);
      fs.writeFileSync(path.join(tmp, '.complete'), '');
      try {
        fs.renameSync(tmp, dir);
      } catch (e) {
        // Another saker unpacked the same build first: use theirs.
        fs.rmSync(tmp, { recursive: true, force: true });
        if (!fs.existsSync(path.join(dir, '.complete'))) throw e;
      }
      return dir;
    } catch (e) {
      lastError = e;
    }
  }
  throw new Error(`cannot unpack the application: ${lastError && lastError.message}`);
}

// In a SEA, argv[1] repeats the executable; user arguments start at 2.
const args = process.argv.slice(2);
let dir;
try {
  dir = appDir();
} catch (e) {
  process.stderr.write(`saker: ${e.message}\n`);
  process.exit(1);
}
const load = createRequire(path.join(dir, 'package.json'));
// A child process of the daemon (the rules loader, host/reload/load-off-thread.ts) runs this
// executable too: it names the module it wants in its environment.
const childEntry = process.env.SAKER_CHILD_ENTRY;
if (childEntry !== undefined) {
  delete process.env.SAKER_CHILD_ENTRY;
  load(path.resolve(dir, childEntry));
} else {
  runMain();
}

function runMain() {
  // The daemon restarts itself once with its memory settings (host/cli/memory-tuning.ts).
  load('./dist/host/cli/memory-tuning.js').restartWithMemorySettings(args);
  const { main } = load('./dist/host/cli/main.js');
  main(args).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`saker: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
