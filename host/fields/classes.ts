// Field classes as `saker --list` shows them: the name libs gives each class, and Saker's own
// one-line summary. Several registry groups share a class name (libs lists both event classes
// as "evt").
import type { FieldGroup } from './types.js';

export interface FieldClassInfo {
  readonly name: string;
  readonly summary: string;
}

export const FIELD_CLASSES: Readonly<Record<FieldGroup, FieldClassInfo>> = {
  gen_event: { name: 'evt', summary: 'Fields every event has, whatever its source' },
  event: { name: 'evt', summary: 'Fields of syscall events' },
  thread: { name: 'process', summary: 'The process and thread behind the event' },
  user: { name: 'user', summary: 'The user the thread runs as' },
  group: { name: 'group', summary: 'The group the thread runs as' },
  fd: { name: 'fd', summary: 'The file descriptor the event acts on' },
  fspath: { name: 'fs.path', summary: 'Paths that filesystem events act on' },
  utils: { name: 'util', summary: 'Utility fields' },
  fdlist: { name: 'fdlist', summary: 'Descriptor lists of poll events' },
  container: { name: 'container', summary: 'Container and Kubernetes metadata (container plugin)' },
  mock: { name: 'mock', summary: 'Test fields' },
};
