// `npm run package`: builds build/sea/saker, a single executable (Node 24 SEA) that runs on a host
// without Node or npm. Steps: compile the TypeScript (into build/sea/dist, leaving dist/ alone),
// pack the application files into one gzip asset (layout in packaging/README.md), generate the SEA
// blob with `node --experimental-sea-config`, copy the Node binary and inject the blob (postject).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'build', 'sea');
const SENTINEL = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const POSTJECT = 'postject@1.0.0-alpha.6';

const log = (m) => process.stderr.write(`package: ${m}\n`);

function run(cmd, args, opts = {}) {
  execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], cwd: ROOT, ...opts });
}

/** Files under `dir` (recursive), skipping what the runtime never reads. */
function walk(dir, skip = () => false) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (skip(p, name)) continue;
    const s = statSync(p);
    if (s.isDirectory()) out.push(...walk(p, skip));
    else if (s.isFile()) out.push(p);
  }
  return out;
}

const NOT_AT_RUNTIME = (p, name) =>
  /\.(md|markdown|map|d\.ts|d\.mts|d\.cts|tsbuildinfo)$/i.test(name) ||
  name === 'test' || name === 'tests' || name === '__tests__' || name === 'docs' ||
  // binaryen's command-line tools; asc uses the library (index.js) only.
  p.endsWith(`${sep}binaryen${sep}bin`);

/** The runtime npm packages: `dependencies` and their dependencies, from package-lock.json. */
function runtimePackages() {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
  const pkgs = lock.packages;
  const seen = new Set();
  // node-addon-api is headers for building the addon, not a runtime package.
  const queue = Object.keys(pkgs[''].dependencies ?? {}).filter((n) => n !== 'node-addon-api').map((n) => [`node_modules/${n}`]);
  while (queue.length > 0) {
    const [key] = queue.shift();
    if (seen.has(key) || !pkgs[key]) continue;
    seen.add(key);
    for (const dep of Object.keys({ ...pkgs[key].dependencies, ...pkgs[key].optionalDependencies })) {
      // Node resolution: nested node_modules first, then up the tree.
      let base = key;
      let found;
      for (;;) {
        const cand = `${base}/node_modules/${dep}`;
        if (pkgs[cand]) {
          found = cand;
          break;
        }
        const i = base.lastIndexOf('/node_modules/');
        if (i === -1) {
          if (pkgs[`node_modules/${dep}`]) found = `node_modules/${dep}`;
          break;
        }
        base = base.slice(0, i);
      }
      if (found) queue.push([found]);
    }
  }
  return [...seen].filter((k) => existsSync(join(ROOT, k)));
}

function pack(files) {
  const entries = [];
  const chunks = [];
  for (const [path, src] of files) {
    const data = readFileSync(src);
    entries.push({ path, size: data.length, mode: statSync(src).mode & 0o777 });
    chunks.push(data);
  }
  const header = Buffer.from(JSON.stringify(entries));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length, 0);
  return gzipSync(Buffer.concat([len, header, ...chunks]), { level: 6 });
}

function postjectCommand() {
  const local = join(ROOT, 'node_modules', '.bin', 'postject');
  if (existsSync(local)) return [local, []];
  return ['npm', ['exec', '--yes', `--package=${POSTJECT}`, '--', 'postject']];
}

function main() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 24) throw new Error(`Node 24 is required to build the executable (this is ${process.version}); run it through npm run package`);
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });

  log('compiling TypeScript');
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  run(process.execPath, [tsc, '-p', 'tsconfig.json', '--outDir', join(OUT, 'dist'), '--sourceMap', 'false']);

  log('packing the application');
  const files = [];
  const add = (srcDir, destPrefix, skip) => {
    for (const f of walk(srcDir, skip)) files.push([join(destPrefix, relative(srcDir, f)), f]);
  };
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  writeFileSync(join(OUT, 'package.json'), JSON.stringify({ name: manifest.name, version: manifest.version, type: 'module', private: true }, null, 2));
  files.push(['package.json', join(OUT, 'package.json')]);
  add(join(OUT, 'dist'), 'dist', (p, n) => n.endsWith('.map'));
  add(join(ROOT, 'rules'), 'rules', () => false);
  // The engine's runtime sources: asc compiles rule sets against them at run time.
  add(join(ROOT, 'engine-as'), 'engine-as', (p, n) => !statSync(p).isDirectory() && !n.endsWith('.ts'));
  for (const pkg of runtimePackages()) add(join(ROOT, pkg), pkg, NOT_AT_RUNTIME);
  // Reserved for the native capture addon once it builds: native/build/Release/*.node.
  const addonDir = join(ROOT, 'native', 'build', 'Release');
  if (existsSync(addonDir)) add(addonDir, join('native', 'build', 'Release'), (p, n) => !statSync(p).isDirectory() && !n.endsWith('.node'));
  const packed = pack(files);
  writeFileSync(join(OUT, 'app.pack.gz'), packed);
  log(`${files.length} files, ${(packed.length / 1e6).toFixed(1)} MB packed`);

  log('generating the SEA blob');
  const seaConfig = {
    main: join(ROOT, 'packaging', 'sea-main.cjs'),
    output: join(OUT, 'sea-prep.blob'),
    disableExperimentalSEAWarning: true,
    useSnapshot: false,
    useCodeCache: false,
    assets: { 'app.pack.gz': join(OUT, 'app.pack.gz') },
  };
  writeFileSync(join(OUT, 'sea-config.json'), JSON.stringify(seaConfig, null, 2));
  run(process.execPath, ['--experimental-sea-config', join(OUT, 'sea-config.json')]);

  log('injecting into a copy of the Node binary');
  const exe = join(OUT, 'saker');
  copyFileSync(process.execPath, exe);
  chmodSync(exe, 0o755);
  const [cmd, pre] = postjectCommand();
  run(cmd, [...pre, exe, 'NODE_SEA_BLOB', join(OUT, 'sea-prep.blob'), '--sentinel-fuse', SENTINEL]);
  rmSync(join(OUT, 'dist'), { recursive: true, force: true });
  log(`built ${relative(ROOT, exe)} (${(statSync(exe).size / 1e6).toFixed(0)} MB)`);
}

main();
