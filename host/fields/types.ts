// Field metadata types shared by the registry, the condition checker and the output template parser.

/** libs parameter types that fields of the `syscall` source (and test mocks) can have. */
export type FieldType =
  | 'PT_INT8' | 'PT_INT16' | 'PT_INT32' | 'PT_INT64'
  | 'PT_UINT8' | 'PT_UINT16' | 'PT_UINT32' | 'PT_UINT64'
  | 'PT_CHARBUF' | 'PT_BYTEBUF' | 'PT_FSPATH' | 'PT_FSRELPATH'
  | 'PT_ERRNO' | 'PT_FD' | 'PT_PID' | 'PT_UID' | 'PT_GID' | 'PT_SIGTYPE' | 'PT_SYSCALLID'
  | 'PT_RELTIME' | 'PT_ABSTIME' | 'PT_PORT' | 'PT_L4PROTO' | 'PT_SOCKFAMILY' | 'PT_BOOL'
  | 'PT_IPV4ADDR' | 'PT_IPV6ADDR' | 'PT_IPADDR' | 'PT_IPV4NET' | 'PT_IPV6NET' | 'PT_IPNET'
  | 'PT_DYN' | 'PT_FLAGS8' | 'PT_FLAGS16' | 'PT_FLAGS32' | 'PT_MODE'
  | 'PT_ENUMFLAGS8' | 'PT_ENUMFLAGS16' | 'PT_ENUMFLAGS32'
  | 'PT_DOUBLE' | 'PT_SOCKADDR' | 'PT_SOCKTUPLE' | 'PT_FDLIST' | 'PT_SIGSET'
  | 'PT_CHARBUFARRAY' | 'PT_CHARBUF_PAIR_ARRAY';

/** libs field flags (filtercheck_field_flags). */
export type FieldFlag =
  | 'EPF_FILTER_ONLY' | 'EPF_PRINT_ONLY' | 'EPF_ARG_REQUIRED' | 'EPF_TABLE_ONLY' | 'EPF_INFO'
  | 'EPF_CONVERSATION' | 'EPF_IS_LIST' | 'EPF_ARG_ALLOWED' | 'EPF_ARG_INDEX' | 'EPF_ARG_KEY'
  | 'EPF_DEPRECATED' | 'EPF_NO_TRANSFORMER' | 'EPF_NO_RHS' | 'EPF_NO_PTR_STABILITY'
  | 'EPF_FORMAT_SUGGESTED';

/**
 * How a field takes an argument. libs parses arguments per field class, so the accepted spellings
 * differ: `evt.arg.fd` / `evt.arg[0]`, `proc.aname[2]`, `proc.env[HOME]`, `thread.cgroup.cpu`,
 * `container.label[app]`. Fields without an `arg` kind take none.
 */
export type FieldArgKind =
  | 'evt_arg'              // evt.arg.NAME or evt.arg[N]
  | 'evt_rawarg'           // evt.rawarg.NAME only; the field takes the parameter's own type
  | 'evt_around'           // evt.around[TIMESTAMP]
  | 'evt_type_is'          // evt.type.is.NAME or evt.type.is.N
  | 'evt_abspath'          // evt.abspath, evt.abspath.src, evt.abspath.dst
  | 'dot_or_cgroup'        // thread.cgroup.NAME (letters and underscores)
  | 'index'                // optional [N]
  | 'key'                  // optional [NAME]
  | 'plugin_key'           // required [KEY] (plugin field)
  | 'plugin_index_or_key'; // required [N] or [KEY] (plugin field)

/** Field classes in the order libs tries them when it resolves a field name. */
export type FieldGroup =
  | 'gen_event' | 'event' | 'thread' | 'user' | 'group' | 'fd' | 'fspath' | 'utils' | 'fdlist'
  | 'container' | 'mock';

export interface FieldDef {
  readonly name: string;
  readonly group: FieldGroup;
  readonly type: FieldType;
  readonly flags: readonly FieldFlag[];
  readonly arg?: FieldArgKind;
  readonly description: string;
}

/** A field reference resolved against the registry, with its parsed argument. */
export interface ResolvedField {
  /** The table entry (for `evt.arg.fd` this is `evt.arg`). */
  readonly def: FieldDef;
  /** The text consumed, e.g. `evt.arg.fd`, `proc.aname[2]`. */
  readonly text: string;
  /** Effective type: the entry's, except for `evt.rawarg.NAME`, which takes the parameter's. */
  readonly type: FieldType;
  readonly isList: boolean;
  readonly argument?: FieldArgument;
}

export type FieldArgument =
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'param'; readonly name: string };

export function hasFlag(def: FieldDef, flag: FieldFlag): boolean {
  return def.flags.includes(flag);
}

/** libs' param_type_to_string: the type name without its PT_ prefix. */
export function typeName(type: FieldType): string {
  return type.slice(3);
}
