import { describe, expect, it } from 'vitest';
import { defaultRegistry, FieldLookupError, FieldRegistry } from '../../host/fields/registry.js';
import { SYSCALL_FIELDS } from '../../host/fields/syscall_fields.js';
import { hasFlag } from '../../host/fields/types.js';

describe('the syscall field table', () => {
  it('holds every libs and container plugin field once, each with a one-line description', () => {
    expect(SYSCALL_FIELDS.length).toBe(294);
    expect(new Set(SYSCALL_FIELDS.map((f) => f.name)).size).toBe(SYSCALL_FIELDS.length);
    for (const f of SYSCALL_FIELDS) {
      expect(f.description.length, f.name).toBeGreaterThan(5);
      expect(f.description, f.name).not.toContain('\n');
    }
  });

  it('keeps libs types and flags', () => {
    const ip = defaultRegistry.get('fd.ip')!;
    expect(ip.type).toBe('PT_IPADDR');
    expect(ip.flags).toEqual(['EPF_FILTER_ONLY', 'EPF_NO_RHS', 'EPF_NO_TRANSFORMER']);
    expect(defaultRegistry.get('fd.net')!.type).toBe('PT_IPNET');
    expect(hasFlag(defaultRegistry.get('fd.types')!, 'EPF_IS_LIST')).toBe(true);
    expect(hasFlag(defaultRegistry.get('evt.dir')!, 'EPF_DEPRECATED')).toBe(true);
  });

  it('maps container plugin field types and argument kinds', () => {
    expect(defaultRegistry.get('container.privileged')!.type).toBe('PT_BOOL');
    expect(defaultRegistry.get('container.start_ts')!.type).toBe('PT_ABSTIME');
    expect(defaultRegistry.get('container.id')!.flags).toContain('EPF_FORMAT_SUGGESTED');
    expect(defaultRegistry.get('container.label')!.arg).toBe('plugin_key');
    expect(defaultRegistry.get('container.mount.source')!.arg).toBe('plugin_index_or_key');
    expect(defaultRegistry.get('k8s.pod.label')!.flags).toContain('EPF_ARG_REQUIRED');
  });
});

describe('FieldRegistry.resolve', () => {
  const r = defaultRegistry;

  it('resolves plain fields', () => {
    const f = r.resolve('proc.name');
    expect(f.def.name).toBe('proc.name');
    expect(f.type).toBe('PT_CHARBUF');
    expect(f.argument).toBeUndefined();
  });

  it('rejects unknown names and trailing text with libs message', () => {
    expect(() => r.resolve('proc.nme')).toThrow('filter_check called with nonexistent field proc.nme');
    expect(() => r.resolve('proc.namex')).toThrow('filter_check called with nonexistent field proc.namex');
    expect(() => r.resolve('proc.name[1]')).toThrow('filter_check called with nonexistent field proc.name[1]');
    expect(r.lookup('unknown.field')).toBeUndefined();
  });

  it('does not fall back to a later class once a class matched a prefix', () => {
    // evt.time (first class) prefixes evt.timestamp, so libs stops there
    expect(r.lookup('evt.timestamp')).toBeUndefined();
  });

  it('parses evt.arg by name and by index', () => {
    const byName = r.resolve('evt.arg.flags');
    expect(byName.def.name).toBe('evt.arg');
    expect(byName.argument).toEqual({ kind: 'param', name: 'flags' });
    expect(byName.type).toBe('PT_CHARBUF');
    expect(r.resolve('evt.arg[0]').argument).toEqual({ kind: 'index', index: 0 });
    expect(() => r.resolve('evt.arg[x]')).toThrow('x is not a valid number');
    expect(() => r.resolve('evt.arg')).toThrow('filter syntax error: evt.arg');
    expect(() => r.resolve('evt.arg.zzz')).toThrow('unknown event argument zzz');
    // the longest parameter name prefixing the text wins; the rest makes it unknown
    expect(r.resolve('evt.arg.res_or_fd').argument).toEqual({ kind: 'param', name: 'res_or_fd' });
    expect(r.lookup('evt.arg.resx')).toBeUndefined();
  });

  it('gives evt.rawarg the type of the parameter', () => {
    expect(r.resolve('evt.rawarg.res').type).toBe('PT_ERRNO');
    expect(r.resolve('evt.rawarg.flags').type).toBe('PT_FLAGS32');
    expect(() => r.resolve('evt.rawarg[0]')).toThrow('evt.arg fields must be expressed explicitly');
  });

  it('parses the other libs argument spellings', () => {
    expect(r.resolve('evt.around[1404996934793590564]').argument).toEqual({ kind: 'index', index: 1404996934793590564 });
    expect(() => r.resolve('evt.around.x')).toThrow('wrong syntax for evt.around');
    expect(r.resolve('evt.type.is.open').argument).toEqual({ kind: 'key', key: 'open' });
    expect(r.lookup('evt.type.is.notanevent')).toBeUndefined();
    expect(r.resolve('evt.abspath.dst').argument).toEqual({ kind: 'key', key: 'dst' });
    expect(r.resolve('evt.abspath').argument).toBeUndefined();
    expect(r.resolve('thread.cgroup.cpuacct').argument).toEqual({ kind: 'key', key: 'cpuacct' });
    expect(r.resolve('thread.cgroups').def.name).toBe('thread.cgroups');
    expect(r.resolve('proc.aname[2]').argument).toEqual({ kind: 'index', index: 2 });
    expect(r.resolve('proc.aname').argument).toBeUndefined();
    expect(r.lookup('proc.aname[x]')).toBeUndefined();
    expect(r.resolve('proc.env[HOME]').argument).toEqual({ kind: 'key', key: 'HOME' });
    expect(r.resolve('fd.types[1]').isList).toBe(true);
  });

  it('requires arguments on container plugin fields that need them', () => {
    expect(r.resolve('container.label[app]').argument).toEqual({ kind: 'key', key: 'app' });
    expect(r.resolve('container.mount.source[0]').argument).toEqual({ kind: 'index', index: 0 });
    expect(r.resolve('container.mount.source[/var]').argument).toEqual({ kind: 'key', key: '/var' });
    expect(() => r.resolve('container.label')).toThrow(
      new FieldLookupError("filter 'container.label': container.label requires an argument but none provided"),
    );
    expect(() => r.resolve('container.label[')).toThrow(
      "filter 'container.label[': container.label terminates with incomplete argument brackets",
    );
    expect(() => r.resolve('container.label[app')).toThrow(
      "filter 'container.label[app': container.label has unbalanced argument brackets",
    );
    expect(() => r.resolve('container.id[1]')).toThrow(
      "filter 'container.id[1]': container.id does not allow nor require an argument but one is provided: 1",
    );
    expect(r.lookup('container.idx')).toBeUndefined();
  });

  it('follows libs quirks for cgroup names and ancestor fields', () => {
    expect(r.lookup('thread.cgroup.cpu,cpuacct')).toBeUndefined();
    expect(() => r.resolve('thread.cgroup[1]')).toThrow('filter syntax error: thread.cgroup[1]');
    // libs reads nothing of an ancestor field followed by anything but an index
    expect(r.matchPrefix('proc.aname foo')!.text).toBe('');
    expect(r.matchPrefix('proc.aname[2] foo')!.text).toBe('proc.aname[2]');
  });

  it('reads the longest field at the start of a text for templates', () => {
    expect(r.matchPrefix('proc.name)')!.text).toBe('proc.name');
    expect(r.matchPrefix('evt.arg.name) x')!.text).toBe('evt.arg.name');
    expect(r.matchPrefix('nothing.here')).toBeUndefined();
  });
});

describe('FieldRegistry with added fields', () => {
  it('tries mock fields first and lists every field', () => {
    const r = new FieldRegistry(SYSCALL_FIELDS);
    r.add({ name: 'c.true', group: 'mock', type: 'PT_CHARBUF', flags: [], description: 'mock' });
    expect(r.resolve('c.true').def.group).toBe('mock');
    expect(r.fields().length).toBe(SYSCALL_FIELDS.length + 1);
    expect(() => r.add({ name: 'c.true', group: 'mock', type: 'PT_CHARBUF', flags: [], description: 'mock' })).toThrow();
  });
});

describe('field classes', () => {
  it('names every group of the table', async () => {
    const { FIELD_CLASSES } = await import('../../host/fields/classes.js');
    for (const f of SYSCALL_FIELDS) expect(FIELD_CLASSES[f.group].name.length, f.name).toBeGreaterThan(0);
    expect(FIELD_CLASSES.thread.name).toBe('process');
  });
});

describe('every table field', () => {
  it('resolves by its own name unless it needs an argument', () => {
    for (const f of SYSCALL_FIELDS) {
      if (hasFlag(f, 'EPF_ARG_REQUIRED') && f.name !== 'evt.abspath') {
        expect(defaultRegistry.lookup(f.name), f.name).toBeUndefined();
        continue;
      }
      expect(defaultRegistry.resolve(f.name).def, f.name).toBe(f);
    }
  });
});
