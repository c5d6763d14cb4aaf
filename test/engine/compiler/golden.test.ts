// Golden files: the generated AssemblyScript for a few small rule sets is kept under
// test/engine/golden/ so that codegen changes show up in review. Regenerate on purpose with
// UPDATE_GOLDEN=1 npx vitest run test/engine/compiler/golden.test.ts
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSource } from '../../../host/engine/engine.js';
import type { RuleMatching } from '../../../host/engine/engine-api.js';
import { REPO_ROOT } from '../as-harness.js';
import { rulesetFromYaml } from '../engine/support.js';

const GOLDEN_DIR = join(REPO_ROOT, 'test', 'engine', 'golden');

const SETS: { name: string; mode: RuleMatching; yaml: string }[] = [
  {
    name: 'open-and-exec',
    mode: 'all',
    yaml: `
- list: shell_binaries
  items: [bash, sh, zsh, dash, ksh, fish]
- macro: open_read
  condition: (evt.type in (open, openat, openat2) and evt.is_open_read=true and fd.typechar='f' and fd.num>=0)
- rule: Read shadow by shell
  desc: d
  condition: open_read and fd.name startswith /etc/shadow and proc.name in (shell_binaries)
  output: "shadow read (file=%fd.name proc=%proc.name flags=%evt.arg.flags gp=%proc.aname[2])"
  priority: WARNING
- rule: Shell spawned by web server
  desc: d
  condition: evt.type = execve and evt.dir = < and proc.name in (shell_binaries) and proc.pname in (nginx, httpd) and not proc.cmdline contains "healthcheck"
  output: "shell (cmd=%proc.cmdline parent=%proc.pname)"
  priority: NOTICE
`,
  },
  {
    name: 'network-first',
    mode: 'first',
    yaml: `
- rule: Outbound to metadata
  desc: d
  condition: evt.type = connect and fd.sip = 169.254.169.254 and fd.sport in (80, 443)
  output: "metadata (conn=%fd.name)"
  priority: ERROR
- rule: Any private net
  desc: d
  condition: evt.type in (connect, accept) and fd.snet in ("10.0.0.0/8", "192.168.0.0/16", "fd00::/8") and fd.l4proto = tcp
  output: "private %fd.sip:%fd.sport"
  priority: INFO
- rule: Unexpected user
  desc: d
  condition: user.uid != 0 and tolower(user.name) glob "svc-*" and proc.aname = cron
  output: "user %user.name (%len(user.name))"
  priority: DEBUG
`,
  },
];

describe('generated AssemblyScript (golden files)', () => {
  for (const set of SETS) {
    it(`${set.name} (${set.mode})`, () => {
      const { source, notes } = generateSource(rulesetFromYaml(set.yaml), { ruleMatching: set.mode });
      expect(notes).toEqual([]);
      const file = join(GOLDEN_DIR, `${set.name}.ts.txt`);
      if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
        if (process.env.CI === 'true' && process.env.UPDATE_GOLDEN !== '1') throw new Error(`missing golden file ${file}`);
        writeFileSync(file, source);
      }
      expect(source).toBe(readFileSync(file, 'utf8'));
    });
  }
});
