// Output fields of matched rules: extracted in Wasm by the same field code as conditions, typed on
// the host (strings, numbers, booleans, addresses; null when missing) and rendered as Falco renders
// an output line (<NA> for missing values, %Nfield widths, transformers).
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeBatch, type EventInput } from '../../host/engine/batch-encoder.js';
import type { CompiledEngine } from '../../host/engine/engine-api.js';
import { renderOutput } from '../../host/engine/engine.js';
import { connect, O, openat, tree } from './engine/events.js';
import { engineFor } from './engine/support.js';

const { bash, cat } = tree();

const YAML = `
- rule: open_out
  desc: d
  condition: evt.type = openat
  output: "file=%fd.name flags=%evt.arg.flags user=%user.name uid=%user.uid login=%user.loginuid gp=%proc.aname[2] tty=%proc.tty exe_writable=%proc.is_exe_writable cip=%fd.cip lower=%tolower(proc.name) [%8proc.name] [%2proc.exepath] res=%evt.res num=%fd.num type=%evt.type container=%container.id repo=%container.image.repository start=%container.start_ts caps=%thread.cap_effective"
  priority: WARNING
- rule: net_out
  desc: d
  condition: evt.type = connect
  output: "conn %fd.name lport=%fd.lport rport=%fd.rport sip=%fd.sip rip=%fd.rip l4=%fd.l4proto sipname=%fd.sip.name len=%len(proc.name) mounts=%container.mounts"
  priority: NOTICE
`;

describe('output fields', () => {
  let engine: CompiledEngine;
  beforeAll(async () => {
    engine = await engineFor(YAML);
  });

  function only(event: EventInput): { batch: Uint8Array; match: { event: number; rule: number } } {
    const batch = encodeBatch([event]);
    const matches = engine.evaluate(batch);
    expect(matches).toHaveLength(1);
    return { batch, match: matches[0]! };
  }

  it('extracts typed values keyed by the reference as written, null when missing', () => {
    const { batch, match } = only(openat(bash, '/tmp/x', O.CREAT | O.WRONLY | O.CLOEXEC));
    expect(engine.outputFields(batch, match)).toEqual({
      'fd.name': '/tmp/x',
      'evt.arg.flags': 'O_CREAT|O_WRONLY|O_CLOEXEC',
      'user.name': 'alice',
      'user.uid': 1000,
      'user.loginuid': 1000,
      'proc.aname[2]': 'systemd',
      'proc.tty': 34816,
      'proc.is_exe_writable': true,
      'fd.cip': null,
      'tolower(proc.name)': 'bash',
      'proc.name': 'bash',
      'proc.exepath': '/usr/bin/bash',
      'evt.res': 'SUCCESS',
      'fd.num': 3,
      'evt.type': 'openat',
      'container.id': '3ad7b26ded6d',
      'container.image.repository': 'docker.io/library/nginx',
      'container.start_ts': 1_700_000_000_000_000_000n,
      'thread.cap_effective': 'CAP_CHOWN CAP_SYS_ADMIN',
    });
  });

  it('renders the output line with <NA>, widths and transformers', () => {
    const { batch, match } = only(openat(cat, '/etc/shadow', O.RDONLY, { res: -13 }));
    expect(engine.formatOutput(batch, match)).toBe(
      'file=/etc/shadow flags=O_RDONLY user=root uid=0 login=-1 gp=sshd tty=0 exe_writable=false cip=<NA> lower=cat ' +
        '[cat     ] [/u] res=EACCES num=3 type=openat container=3ad7b26ded6d repo=docker.io/library/nginx start=1700000000000000000 caps=<NA>',
    );
  });

  it('renders socket endpoints by role, and fields the batch cannot carry as <NA>', () => {
    const { batch, match } = only(connect(bash, '10.0.0.2', 51000, '93.184.216.34', 443));
    expect(engine.formatOutput(batch, match)).toBe(
      'conn 10.0.0.2:51000->93.184.216.34:443 lport=51000 rport=443 sip=93.184.216.34 rip=93.184.216.34 l4=tcp sipname=<NA> len=4 ' +
        'mounts=/var/run/docker.sock:/var/run/docker.sock::true:rprivate,/srv/www:/usr/share/nginx/html:ro:false:rprivate',
    );
    const v6 = only(connect(bash, '2001:db8::7', 40000, '::1', 22, true));
    expect(engine.outputFields(v6.batch, v6.match)['fd.sip']).toBe('::1');
  });

  it('missing process: every process field is null and renders <NA>', () => {
    const { batch, match } = only(openat(null, '/etc/hosts'));
    const fields = engine.outputFields(batch, match);
    expect(fields['proc.name']).toBeNull();
    expect(fields['user.uid']).toBeNull();
    expect(fields['fd.name']).toBe('/etc/hosts');
    expect(engine.formatOutput(batch, match)).toContain('user=<NA> uid=<NA>');
  });

  it('renderOutput pads and cuts %N widths', () => {
    expect(renderOutput('a=%5proc.name b=%2proc.name c=%proc.name', ['ab', 'abcdef', null])).toBe('a=ab    b=ab c=<NA>');
  });
});
