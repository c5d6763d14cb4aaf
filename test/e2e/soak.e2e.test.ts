// False-positive soak: the real `saker` with its embedded default configuration (the bundled rules/
// folder, no config file, no -r) watches about a minute of ordinary machine work on the real
// kernel, and the default rules must stay silent about all of it. The work, repeated until the
// minute is up:
//   - a C package build in a temporary folder, as package builders do (make -j2 with cc, ar, the
//     test binaries run by `make check`), its `make install` into /usr/local and ldconfig;
//   - `npm ci` of a small project whose only dependency is a local `file:` package (offline: no
//     registry is asked), with install and build scripts and a dependency's bin;
//   - git: init, add, commit through a hook, branch, merge, tag, log, clone of the local repo, gc;
//   - log rotation with the real logrotate (a state file and a config on a log folder below
//     /var/log): create + compress + delaycompress with a postrotate reload, and copytruncate;
//   - services restarted with start-stop-daemon: a small logging daemon (reloaded by SIGHUP) and
//     python's http.server on the loopback address (health-checked with curl), and a container
//     restarted with `docker restart` (where Docker runs);
//   - admin chores: tar (and a restore), sha256sum, dpkg -l, apt-cache, run-parts --test, ps, df,
//     du, grep, sed -i, chown/chmod.
// The daemon sees the whole host, and other suites run at the same time; the workload's alerts are
// told apart by the session: the workload script is started in its own session (its pid is the
// session id). start-stop-daemon puts the services in sessions of their own: the logging daemon has
// a name unique to the run, the web server a port, the container a name. Only an `append_output`
// entry adding proc.sid and a few ancestors to every alert is given on the command line; the rules
// are the defaults. Two canaries (a read of /etc/gshadow by the logging daemon at its first start,
// and by a make recipe at the end) prove that the attribution finds the workload's alerts, and the
// second marks the end of the work. SAKER_SOAK_ALERTS=<file> keeps every alert of a run.
// What it found so far: `make check` running the tests of a package built in /tmp from its recipe
// shell (Saker Execution from Temporary Directory now trusts a shell whose parent is a build tool).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerAvailable, TEST_IMAGE } from '../container/support.js';
import { bpfAvailable } from '../native/support.js';
import { BIN, exitCodeOf, readJsonAlerts, ROOT, terminate, until, type JsonAlert } from './support.js';

const WORKLOAD_SECONDS = 55;
// Program names unique to the run, at most 15 characters (the kernel's comm length).
const WORKLOAD = `soak-${process.pid}`;
const SERVICE = `svc-${process.pid}`;
const LOG_DIR = `/var/log/saker-soak-${process.pid}`;
const PID_FILE = `/run/saker-soak-${process.pid}.pid`;
const INSTALLED = `saker-soak-${process.pid}`;
const WEB_PID_FILE = `/run/saker-soak-web-${process.pid}.pid`;
const CONTAINER = `saker-soak-${process.pid}`;
const ANCESTOR_LEVELS = [2, 3, 4, 5, 6, 7];

/** The real python3 binary (pyenv's `python3` is a shell script shim). */
const python = (): string | undefined => {
  const r = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
};
const PYTHON = python();

const tools = ['make', 'cc', 'ar', 'git', 'npm', 'logrotate', 'start-stop-daemon', 'gzip', 'tar', 'ldconfig', 'curl', 'apt-cache', 'run-parts'].filter(
  (t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0,
);
if (PYTHON === undefined) tools.push('python3');
if (bpfAvailable && tools.length > 0) {
  if (process.env.CI === 'true') throw new Error(`CI=true but the soak suite cannot run: missing tools: ${tools.join(', ')}`);
  process.stderr.write(`[skip] e2e soak: missing tools: ${tools.join(', ')} (scripts/setup.sh installs them)\n`);
}

/**
 * Alerts the default rules may raise for this workload, each with the reason it is expected. Empty:
 * the workload raises none. (An entry names a rule and a test on the alert; the rule's comment in
 * rules/ must explain it too.)
 */
const EXPLAINED: { rule: string; reason: string; matches: (a: JsonAlert) => boolean }[] = [];

/** A canary: `cat /etc/gshadow`, by the service or by the closing make recipe. */
const isCanary = (a: JsonAlert): boolean =>
  a.rule === 'Saker Sensitive File Read' && a.output_fields['fd.name'] === '/etc/gshadow' && a.output_fields['proc.name'] === 'cat';

const MAKEFILE = `CC ?= cc
CFLAGS ?= -O2 -Wall
PREFIX ?= /usr/local
NAME ?= soakhello
objects = main.o
all: soakhello
libutil.a: util.o
\t$(AR) rcs $@ $^
soakhello: main.o libutil.a
\t$(CC) $(CFLAGS) -o $@ main.o -L. -lutil
test_util: test_util.o libutil.a
\t$(CC) $(CFLAGS) -o $@ test_util.o -L. -lutil
%.o: %.c util.h
\t$(CC) $(CFLAGS) -c -o $@ $<
check: test_util soakhello
\t./test_util && ./soakhello > /dev/null
install: soakhello libutil.a
\tinstall -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib
\tinstall -m 755 soakhello $(DESTDIR)$(PREFIX)/bin/$(NAME)
\tinstall -m 644 libutil.a $(DESTDIR)$(PREFIX)/lib/lib$(NAME).a
uninstall:
\trm -f $(DESTDIR)$(PREFIX)/bin/$(NAME) $(DESTDIR)$(PREFIX)/lib/lib$(NAME).a
canary:
\tcat /etc/gshadow > /dev/null
clean:
\trm -f *.o *.a soakhello test_util
.PHONY: all check install uninstall canary clean
`;

const UTIL_H = 'int soak_add(int a, int b);\nunsigned soak_hash(const char *s);\n';
const UTIL_C = `#include "util.h"
int soak_add(int a, int b) { return a + b; }
unsigned soak_hash(const char *s) { unsigned h = 5381; while (*s) h = h * 33 + (unsigned char)*s++; return h; }
`;
const MAIN_C = `#include <stdio.h>
#include "util.h"
int main(void) { printf("hello %d %u\\n", soak_add(2, 3), soak_hash("soak")); return 0; }
`;
const TEST_UTIL_C = `#include <stdio.h>
#include "util.h"
int main(void) { if (soak_add(2, 2) != 4 || soak_hash("") != 5381) { puts("FAIL"); return 1; } puts("ok"); return 0; }
`;

/** The logging daemon: appends to its log, reopens it on SIGHUP (logrotate), exits on SIGTERM. */
const SERVICE_SCRIPT = `#!/bin/bash
log="$1"
exec >>"$log" 2>&1
trap 'exec >>"$log" 2>&1; echo "log reopened"' HUP
trap 'echo stopping; exit 0' TERM
echo "started $$"
# The first start reads /etc/gshadow: a canary that shows the service's alerts are attributed.
[ "$2" = canary ] && cat /etc/gshadow > /dev/null
while :; do
  echo "tick $(date +%s.%N)"
  sleep 0.3 & wait $!
done
`;

interface WorkloadPlan {
  dir: string;
  buildDir: string;
  /** The real python3 binary, for the web service. */
  python: string;
  webPort: number;
  /** Whether the containerised service runs too. */
  docker: boolean;
}

function workloadScript({ dir, buildDir, python, webPort, docker }: WorkloadPlan): string {
  const start = `start-stop-daemon --start --background --make-pidfile --pidfile ${PID_FILE} --startas ${dir}/${SERVICE} --`;
  const stop = `start-stop-daemon --stop --quiet --retry TERM/5/KILL/2 --pidfile ${PID_FILE} --remove-pidfile`;
  // A web server on the loopback address; its access log goes to the log folder (--output appends).
  const webStart =
    `start-stop-daemon --start --background --make-pidfile --pidfile ${WEB_PID_FILE} --output ${LOG_DIR}/web.log ` +
    `--chdir ${dir}/www --exec ${python} -- -m http.server ${webPort} --bind 127.0.0.1`;
  const webStop = `start-stop-daemon --stop --quiet --retry TERM/5/KILL/2 --pidfile ${WEB_PID_FILE} --remove-pidfile`;
  const health = `for t in $(seq 100); do curl -fsS -o /dev/null http://127.0.0.1:${webPort}/ && break; sleep 0.1; done`;
  const ctr = docker
    ? {
        start: `docker run -d --network none --name ${CONTAINER} ${TEST_IMAGE} sh -c 'trap "exit 0" TERM; while :; do date; sleep 1; done' > /dev/null`,
        restart: `docker restart -t 1 ${CONTAINER} > /dev/null && docker logs --tail 2 ${CONTAINER} > /dev/null && docker exec ${CONTAINER} cat /proc/loadavg > /dev/null`,
        stop: `docker rm -f ${CONTAINER} > /dev/null`,
      }
    : { start: 'true', restart: 'true', stop: 'true' };
  return `#!/bin/bash
set -euo pipefail
export GIT_AUTHOR_NAME=soak GIT_AUTHOR_EMAIL=soak@example.invalid GIT_COMMITTER_NAME=soak GIT_COMMITTER_EMAIL=soak@example.invalid
export npm_config_offline=true npm_config_update_notifier=false npm_config_audit=false npm_config_fund=false npm_config_loglevel=error
cd ${dir}
${start} ${LOG_DIR}/app.log canary
${webStart}
${health}
${ctr.start}
# The first npm install writes the lock file that npm ci then uses.
(cd app && npm install > /dev/null)
git init -q -b main repo
printf '#!/bin/sh\\ntest -s README\\n' > repo/.git/hooks/pre-commit
chmod 755 repo/.git/hooks/pre-commit
i=0
while [ $SECONDS -lt ${WORKLOAD_SECONDS} ]; do
  i=$((i + 1))
  # A package build in a temporary folder, its tests, and a staged install.
  make -s -C ${buildDir} clean
  make -s -C ${buildDir} -j2 all
  make -s -C ${buildDir} check > /dev/null
  make -s -C ${buildDir} install DESTDIR=${dir}/stage PREFIX=/usr NAME=soakhello
  # npm ci (offline; the dependency is a local package) with its scripts.
  (cd app && npm ci > /dev/null && npm run -s build > /dev/null && npm test -s > /dev/null)
  # git work: commits through the hook, a branch merged back, a tag, a clone of the local repo.
  (
    cd repo
    echo "iteration $i" >> README
    git add -A && git commit -q -m "iteration $i"
    git checkout -q -b feature-$i
    echo "feature $i" > feature-$i.txt
    git add feature-$i.txt && git commit -q -m "feature $i"
    git checkout -q main && git merge -q --no-edit feature-$i && git branch -q -d feature-$i
    git tag v0.$i
    git log --oneline -n 3 > /dev/null && git status --short > /dev/null && git diff HEAD~1 --stat > /dev/null
  )
  git clone -q repo clone && git -C clone log --oneline > /dev/null && rm -rf clone
  # Logs: lines appended, then rotated by logrotate (a postrotate reload of the service).
  for n in 1 2 3; do echo "GET /item/$i/$n 200" >> ${LOG_DIR}/access.log; done
  logrotate -s ${dir}/logrotate.state ${dir}/logrotate.conf
  # The services restarted: the logging daemon, the web server (health-checked) and the container.
  ${stop}
  ${start} ${LOG_DIR}/app.log
  ${webStop}
  ${webStart}
  ${health}
  ${ctr.restart}
  # Chores.
  tar -czf ${dir}/backup.tgz -C ${dir} app/package.json repo/README
  sha256sum ${dir}/backup.tgz > /dev/null
  dpkg -l > /dev/null
  ps -e > /dev/null
  df -h > /dev/null
  du -sh ${dir} > /dev/null
  grep -rn TODO ${buildDir} > /dev/null || true
  sed -i "s/^iteration=.*/iteration=$i/" ${dir}/app.ini
  rm -rf ${dir}/restore && mkdir ${dir}/restore && tar -xzf ${dir}/backup.tgz -C ${dir}/restore
  chown -R root:root ${dir}/stage && chmod -R go-w ${dir}/stage
  apt-cache policy make > /dev/null
  run-parts --test /etc/cron.daily > /dev/null || true
  if [ $i = 2 ]; then
    # Once: a real install into /usr/local, ldconfig, then the uninstall.
    make -s -C ${buildDir} install NAME=${INSTALLED}
    ldconfig
    make -s -C ${buildDir} uninstall NAME=${INSTALLED}
    (cd repo && git gc -q)
  fi
done
${stop}
${webStop}
${ctr.stop}
echo "$i" > ${dir}/iterations
# The closing canary: a read of /etc/gshadow by a make recipe, deep in the workload's session.
make -s -C ${buildDir} canary
`;
}

describe.skipIf(!bpfAvailable || tools.length > 0)('soak: the default rules stay silent on a minute of ordinary work', () => {
  mkdirSync('/srv', { recursive: true });
  const dir = mkdtempSync('/srv/saker-soak-');
  const buildDir = mkdtempSync(join(tmpdir(), 'saker-soak-build-'));
  const jsonFile = join(dir, 'alerts.json');
  let daemon: ChildProcess;
  let stderr = '';
  let exitCode: number | null = null;
  let workloadSid = -1;
  let webPort = 0;
  let workloadStatus: number | null = null;
  let workloadErr = '';
  let alerts: JsonAlert[] = [];

  /** The alerts written so far (a last line still being written is left for the next read). */
  const readAlerts = (): JsonAlert[] => readJsonAlerts(jsonFile);

  beforeAll(async () => {
    spawnSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: ROOT, encoding: 'utf8' });
    expect(existsSync(join(ROOT, 'dist', 'host', 'cli', 'main.js'))).toBe(true);

    // The C package.
    writeFileSync(join(buildDir, 'Makefile'), MAKEFILE);
    writeFileSync(join(buildDir, 'util.h'), UTIL_H);
    writeFileSync(join(buildDir, 'util.c'), UTIL_C);
    writeFileSync(join(buildDir, 'main.c'), MAIN_C);
    writeFileSync(join(buildDir, 'test_util.c'), TEST_UTIL_C);
    // The npm project and its local dependency (with a bin the build script runs).
    mkdirSync(join(dir, 'soak-lib'));
    writeFileSync(
      join(dir, 'soak-lib', 'package.json'),
      JSON.stringify({ name: 'soak-lib', version: '1.0.0', main: 'index.js', bin: { 'soak-lib-cli': 'cli.js' } }, null, 2),
    );
    writeFileSync(join(dir, 'soak-lib', 'index.js'), "exports.greet = (n) => 'hello ' + n;\n");
    writeFileSync(join(dir, 'soak-lib', 'cli.js'), "#!/usr/bin/env node\nconsole.log(require('./index.js').greet(process.argv[2] || 'cli'));\n", { mode: 0o755 });
    mkdirSync(join(dir, 'app'));
    writeFileSync(
      join(dir, 'app', 'package.json'),
      JSON.stringify(
        {
          name: 'soak-app',
          version: '1.0.0',
          private: true,
          dependencies: { 'soak-lib': 'file:../soak-lib' },
          scripts: {
            postinstall: "node -e \"require('fs').writeFileSync('installed.txt', String(Date.now()))\"",
            build: 'soak-lib-cli build > dist.txt && node build.js',
            test: 'node test.js',
          },
        },
        null,
        2,
      ),
    );
    writeFileSync(join(dir, 'app', 'build.js'), "require('fs').writeFileSync('bundle.js', 'module.exports = ' + JSON.stringify(require('soak-lib').greet('bundle')));\n");
    writeFileSync(join(dir, 'app', 'test.js'), "const assert = require('assert'); assert.strictEqual(require('./bundle.js'), 'hello bundle');\n");
    writeFileSync(join(dir, 'app.ini'), 'name=soak\niteration=0\n');
    // The service, logrotate's config and the log folder.
    writeFileSync(join(dir, SERVICE), SERVICE_SCRIPT, { mode: 0o755 });
    mkdirSync(LOG_DIR, { recursive: true, mode: 0o755 });
    writeFileSync(
      join(dir, 'logrotate.conf'),
      `${LOG_DIR}/app.log {
    rotate 3
    size 1
    compress
    delaycompress
    missingok
    notifempty
    create 0640 root root
    sharedscripts
    postrotate
        start-stop-daemon --stop --signal HUP --quiet --pidfile ${PID_FILE} || true
    endscript
}
${LOG_DIR}/access.log ${LOG_DIR}/web.log {
    rotate 2
    size 1
    copytruncate
    compress
    missingok
    notifempty
}
`,
      { mode: 0o644 },
    );
    mkdirSync(join(dir, 'www'));
    writeFileSync(join(dir, 'www', 'index.html'), '<p>soak</p>\n');
    // A free loopback port for the web service.
    const probe = createServer();
    webPort = await new Promise<number>((r) => probe.listen(0, '127.0.0.1', () => r((probe.address() as { port: number }).port)));
    await new Promise((r) => probe.close(r));
    writeFileSync(join(dir, WORKLOAD), workloadScript({ dir, buildDir, python: PYTHON!, webPort, docker: dockerAvailable }), { mode: 0o755 });

    const extraFields = ['proc.sid', ...ANCESTOR_LEVELS.map((n) => `proc.aname[${n}]`)].map((f) => `"${f}"`).join(', ');
    daemon = spawn(
      process.execPath,
      [
        BIN,
        '-o', 'watch_config_files=false',
        '-o', 'json_output=true',
        '-o', 'stdout_output.enabled=false',
        '-o', 'file_output.enabled=true',
        '-o', `file_output.filename=${jsonFile}`,
        '-o', `append_output[]={extra_fields: [${extraFields}]}`,
      ],
      { cwd: dir, env: { ...process.env, SAKER_CONFIG_PATH: '/nonexistent/saker.yaml', TZ: 'UTC', FALCO_HOSTNAME: 'soak-host' } },
    );
    daemon.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    daemon.stdout!.resume();
    expect(await until(() => stderr.includes('One ring buffer every') || daemon.exitCode !== null, 45_000)).toBe(true);
    expect(daemon.exitCode, stderr).toBe(null);

    // Its own session: the session id is its pid, and every process it starts inherits it.
    // A user's PATH: without this checkout's node_modules/.bin, whose node (the dev dependency) lives
    // wherever the repository was cloned, /tmp included, which the rules rightly flag.
    const path = (process.env.PATH ?? '').split(':').filter((p) => !p.startsWith(`${ROOT}/`)).join(':');
    const work = spawn(join(dir, WORKLOAD), [], { cwd: dir, detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PATH: path } });
    workloadSid = work.pid!;
    work.stderr!.on('data', (d: Buffer) => (workloadErr += d.toString()));
    workloadStatus = await exitCodeOf(work);
    // The closing canary's alert shows that everything before it has been evaluated.
    await until(() => readAlerts().some((a) => isCanary(a) && a.output_fields['proc.sid'] === workloadSid), 20_000);
    exitCode = await terminate(daemon);
    alerts = readAlerts();
    // SAKER_SOAK_ALERTS=<file> keeps every alert of the run (the workload's and the rest) for a look.
    if (process.env.SAKER_SOAK_ALERTS) writeFileSync(process.env.SAKER_SOAK_ALERTS, JSON.stringify({ workloadSid, alerts }, null, 1));
  }, 150_000);

  afterAll(() => {
    if (daemon && daemon.exitCode === null) daemon.kill('SIGTERM');
    // The service, if the workload died before stopping it.
    for (const pidFile of [PID_FILE, WEB_PID_FILE]) spawnSync('start-stop-daemon', ['--stop', '--quiet', '--retry', 'TERM/2/KILL/1', '--pidfile', pidFile, '--remove-pidfile']);
    if (dockerAvailable) spawnSync('docker', ['rm', '-f', CONTAINER]);
    for (const f of [`/usr/local/bin/${INSTALLED}`, `/usr/local/lib/lib${INSTALLED}.a`, PID_FILE, WEB_PID_FILE]) rmSync(f, { force: true });
    for (const d of [dir, buildDir, LOG_DIR]) rmSync(d, { recursive: true, force: true });
  });

  /** Raised for the workload: in its session, by (or below) the logging service, or in its container. */
  const fromWorkload = (a: JsonAlert): boolean => {
    const f = a.output_fields;
    if (f['proc.sid'] === workloadSid || f['container.name'] === CONTAINER) return true;
    if (String(f['proc.cmdline']).includes(`http.server ${webPort}`)) return true;
    const names = [f['proc.name'], f['proc.pname'], ...ANCESTOR_LEVELS.map((n) => f[`proc.aname[${n}]`])];
    return names.includes(SERVICE) || names.includes(WORKLOAD);
  };
  const summary = (list: JsonAlert[]): string => list.map((a) => `${a.rule}: ${a.output}`).join('\n');

  it('the workload ran to the end for about a minute, and the daemon exited 0', () => {
    expect(workloadStatus, workloadErr).toBe(0);
    const iterations = Number(readFileSync(join(dir, 'iterations'), 'utf8').trim());
    expect(iterations).toBeGreaterThanOrEqual(2);
    process.stderr.write(
      `[soak] ${iterations} iterations in ${WORKLOAD_SECONDS} s; ${alerts.length} alerts in all, ${alerts.filter(fromWorkload).length} from the workload\n`,
    );
    expect(exitCode, stderr).toBe(0);
    // logrotate really rotated (and compressed) the service's log and the access log.
    const rotated = spawnSync('ls', [LOG_DIR], { encoding: 'utf8' }).stdout.split('\n');
    expect(rotated).toEqual(expect.arrayContaining(['app.log', 'app.log.1', 'app.log.2.gz', 'access.log', 'access.log.1.gz', 'web.log', 'web.log.1.gz']));
  });

  it('both canaries were attributed to the workload: the service at its first start, a make recipe at the end', () => {
    const canaries = alerts.filter((a) => isCanary(a) && fromWorkload(a));
    expect(canaries.map((a) => a.output_fields['proc.pname'])).toEqual([SERVICE, 'sh']);
    expect(canaries[1]!.output_fields['proc.sid']).toBe(workloadSid);
    expect(canaries[1]!.output_fields['proc.aname[2]']).toBe('make');
  });

  it('the default rules raised no alert for the workload (beyond the canaries and the explained ones)', () => {
    const unexplained = alerts.filter((a) => fromWorkload(a) && !isCanary(a) && !EXPLAINED.some((e) => e.rule === a.rule && e.matches(a)));
    expect(unexplained, summary(unexplained)).toEqual([]);
  });
});
