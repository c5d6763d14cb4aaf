// Falco 0.44's command-line options, parsed with the GNU-style rules of the cxxopts library Falco
// uses: `--long`, `--long=value`, `--long value`, `-x`, `-xvalue`, grouped flags `-LU`, booleans
// take `--flag=false`, `--list` only takes a source as `--list=SOURCE`, and errors read as
// cxxopts words them (Falco prints them after `Error: `).

export interface CliOptions {
  help: boolean;
  configFile: string;
  printConfigSchema: boolean;
  printRuleSchema: boolean;
  disableSources: string[];
  enableSources: string[];
  dryRun: boolean;
  printIgnoredEvents: boolean;
  describeAllRules: boolean;
  describeRule: string;
  /** True when `--list` was given; `listSource` is then '' (all) or the source named. */
  listFields: boolean;
  listSource: string;
  listEvents: boolean;
  listPlugins: boolean;
  durationSeconds: number;
  markdown: boolean;
  namesOnly: boolean;
  configOverrides: string[];
  pluginInfo: string;
  printAdditional: string;
  pidFile: string;
  rulesFiles: string[];
  printSupport: boolean;
  unbuffered: boolean;
  validateFiles: string[];
  verbose: boolean;
  printVersion: boolean;
  printPageSize: boolean;
  /** Arguments that are not options (cxxopts keeps and Falco ignores them). */
  positional: string[];
}

type Kind = 'bool' | 'string' | 'strings' | 'int' | 'implicit';

export interface OptionSpec {
  short?: string;
  long?: string;
  kind: Kind;
  target: keyof CliOptions;
  /** Shown in --help after the option name, for options taking a value. */
  valueName?: string;
  help: string;
}

/** Falco 0.44's option table (same names, value kinds and order); the help text is Saker's. */
export const OPTION_SPECS: readonly OptionSpec[] = [
  { short: 'h', long: 'help', kind: 'bool', target: 'help', help: 'Print this help list and exit.' },
  { short: 'c', kind: 'string', target: 'configFile', valueName: '<path>', help: 'Configuration file. Without it Saker reads /etc/saker/saker.yaml (or $SAKER_CONFIG_PATH), or runs on its embedded defaults when that file does not exist. A falco.yaml is accepted as is.' },
  { long: 'config-schema', kind: 'bool', target: 'printConfigSchema', help: 'Print the JSON schema of the configuration and exit. (Not available in Saker yet.)' },
  { long: 'rule-schema', kind: 'bool', target: 'printRuleSchema', help: 'Print the JSON schema of rules files and exit. (Not available in Saker yet.)' },
  { long: 'disable-source', kind: 'strings', target: 'disableSources', valueName: '<event_source>', help: "Turn off an event source (repeatable). The only source is 'syscall'; it cannot be mixed with --enable-source." },
  { long: 'dry-run', kind: 'bool', target: 'dryRun', help: 'Load and check the configuration and rules, then exit without processing events.' },
  { long: 'enable-source', kind: 'strings', target: 'enableSources', valueName: '<event_source>', help: 'Turn on only the named event sources (repeatable); it cannot be mixed with --disable-source.' },
  { short: 'i', kind: 'bool', target: 'printIgnoredEvents', help: 'Print the events ignored by default for performance reasons and exit. (Not available in Saker yet.)' },
  { short: 'L', kind: 'bool', target: 'describeAllRules', help: 'List the name and description of every loaded rule and exit. With json_output set, print rules, macros and lists with their details as JSON.' },
  { short: 'l', kind: 'string', target: 'describeRule', valueName: '<rule>', help: 'Show the name and description of one rule and exit. With json_output set, print its details as JSON.' },
  { long: 'list', kind: 'implicit', target: 'listSource', valueName: '<source>', help: 'List the fields rules can use and exit. --list=<source> lists one source only ("syscall").' },
  { long: 'list-events', kind: 'bool', target: 'listEvents', help: 'List the system call events, meta events and tracepoint events and exit. (Not available in Saker yet.)' },
  { long: 'list-plugins', kind: 'bool', target: 'listPlugins', help: 'Print the loaded plugins and exit. (Not available in Saker yet.)' },
  { short: 'M', kind: 'int', target: 'durationSeconds', valueName: '<num_seconds>', help: 'Stop after <num_seconds> seconds.' },
  { long: 'markdown', kind: 'bool', target: 'markdown', help: 'With --list, print Markdown tables.' },
  { short: 'N', kind: 'bool', target: 'namesOnly', help: 'With --list, print field names only.' },
  { short: 'o', long: 'option', kind: 'strings', target: 'configOverrides', valueName: '<opt>=<val>', help: 'Set a configuration key, overriding the configuration file. Keys use dots for nesting and [N] for list items; [] appends to a list.\n    E.g. base.id=val\n         base.subvalue.subvalue2=val\n         base.list[1]=val\n         base.list[]=val' },
  { long: 'plugin-info', kind: 'string', target: 'pluginInfo', valueName: '<plugin_name>', help: 'Print information about one plugin and exit. (Not available in Saker yet.)' },
  { short: 'p', long: 'print', kind: 'string', target: 'printAdditional', valueName: '<output_format>', help: 'DEPRECATED (use -o append_output...): add text to every rule output. (Not available in Saker yet.)' },
  { short: 'P', long: 'pidfile', kind: 'string', target: 'pidFile', valueName: '<pid_file>', help: 'Write the process id to <pid_file>. No file is written by default.' },
  { short: 'r', kind: 'strings', target: 'rulesFiles', valueName: '<rules_file>', help: 'Rules file or folder to load (repeatable), instead of the configured rules_files. Only .yml and .yaml files are read.' },
  { long: 'support', kind: 'bool', target: 'printSupport', help: 'Print support information (versions, configuration, rules files) as JSON and exit.' },
  { short: 'U', long: 'unbuffered', kind: 'bool', target: 'unbuffered', help: 'Flush every output line as soon as it is written.' },
  { short: 'V', long: 'validate', kind: 'strings', target: 'validateFiles', valueName: '<rules_file>', help: 'Load the given rules files (repeatable) into one rule set, report the result and exit.' },
  { short: 'v', kind: 'bool', target: 'verbose', help: 'Verbose output.' },
  { long: 'version', kind: 'bool', target: 'printVersion', help: 'Print version information and exit.' },
  { long: 'page-size', kind: 'bool', target: 'printPageSize', help: 'Print the system page size and exit.' },
];

export class OptionsError extends Error {}

// cxxopts quotes option names and values with typographic quotes.
const q = (s: string): string => `\u2018${s}\u2019`;

export function defaultOptions(): CliOptions {
  return {
    help: false,
    configFile: '',
    printConfigSchema: false,
    printRuleSchema: false,
    disableSources: [],
    enableSources: [],
    dryRun: false,
    printIgnoredEvents: false,
    describeAllRules: false,
    describeRule: '',
    listFields: false,
    listSource: '',
    listEvents: false,
    listPlugins: false,
    durationSeconds: 0,
    markdown: false,
    namesOnly: false,
    configOverrides: [],
    pluginInfo: '',
    printAdditional: '',
    pidFile: '',
    rulesFiles: [],
    printSupport: false,
    unbuffered: false,
    validateFiles: [],
    verbose: false,
    printVersion: false,
    printPageSize: false,
    positional: [],
  };
}

function parseBool(text: string): boolean {
  // cxxopts' boolean pattern.
  if (/^(t|true|T|True|TRUE|1)$/.test(text)) return true;
  if (/^(f|false|F|False|FALSE|0)$/.test(text)) return false;
  throw new OptionsError(`Argument ${q(text)} failed to parse`);
}

function parseInt32(text: string): number {
  const m = /^([+-]?)(0x[0-9a-fA-F]+|\d+)$/.exec(text);
  if (!m) throw new OptionsError(`Argument ${q(text)} failed to parse`);
  const n = Number.parseInt(m[2]!.startsWith('0x') ? m[2]!.slice(2) : m[2]!, m[2]!.startsWith('0x') ? 16 : 10) * (m[1] === '-' ? -1 : 1);
  if (n > 2147483647 || n < -2147483648) throw new OptionsError(`Argument ${q(text)} failed to parse`);
  return n;
}

function store(opts: CliOptions, spec: OptionSpec, value: string | undefined): void {
  const o = opts as unknown as Record<string, unknown>;
  switch (spec.kind) {
    case 'bool':
      o[spec.target] = value === undefined ? true : parseBool(value);
      break;
    case 'string':
      o[spec.target] = value ?? '';
      break;
    case 'strings':
      (o[spec.target] as string[]).push(value ?? '');
      break;
    case 'int':
      o[spec.target] = parseInt32(value ?? '');
      break;
    case 'implicit':
      opts.listFields = true;
      o[spec.target] = value ?? '';
      break;
  }
}

const takesValue = (spec: OptionSpec): boolean => spec.kind === 'string' || spec.kind === 'strings' || spec.kind === 'int';

export function parseOptions(argv: readonly string[]): CliOptions {
  const opts = defaultOptions();
  const byShort = new Map<string, OptionSpec>();
  const byLong = new Map<string, OptionSpec>();
  for (const s of OPTION_SPECS) {
    if (s.short) byShort.set(s.short, s);
    if (s.long) byLong.set(s.long, s);
  }

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      opts.positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      const spec = byLong.get(name);
      if (!spec) throw new OptionsError(`Option ${q(name)} does not exist`);
      if (eq !== -1) {
        store(opts, spec, arg.slice(eq + 1));
      } else if (takesValue(spec)) {
        if (i + 1 >= argv.length) throw new OptionsError(`Option ${q(name)} is missing an argument`);
        store(opts, spec, argv[++i]);
      } else {
        store(opts, spec, undefined);
      }
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      const letters = arg.slice(1);
      for (let j = 0; j < letters.length; j++) {
        const name = letters[j]!;
        const spec = byShort.get(name);
        if (!spec) throw new OptionsError(`Option ${q(name)} does not exist`);
        if (!takesValue(spec)) {
          store(opts, spec, undefined);
          continue;
        }
        if (j + 1 < letters.length) {
          store(opts, spec, letters.slice(j + 1));
        } else {
          if (i + 1 >= argv.length) throw new OptionsError(`Option ${q(name)} is missing an argument`);
          store(opts, spec, argv[++i]);
        }
        break;
      }
      continue;
    }
    opts.positional.push(arg);
  }
  return opts;
}

/** The help page, laid out as cxxopts lays out Falco's. */
export function usage(width = 140): string {
  const left = OPTION_SPECS.map((s) => {
    const names = s.short && s.long ? `-${s.short}, --${s.long}` : s.short ? `-${s.short}` : `    --${s.long}`;
    const value = s.kind === 'implicit' ? ` [=${s.valueName}(=)]` : s.valueName ? ` ${s.valueName}` : '';
    return `  ${names}${value}`;
  });
  const col = Math.min(Math.max(...left.map((l) => l.length)) + 2, 60);
  const lines = ['Saker - runtime security, compatible with Falco', 'Usage:', '  saker [OPTION...]', ''];
  OPTION_SPECS.forEach((s, k) => {
    const wrapped = wrap(s.help, width - col);
    const first = left[k]!;
    if (first.length >= col) {
      lines.push(first);
      wrapped.forEach((w) => lines.push(' '.repeat(col) + w));
    } else {
      wrapped.forEach((w, n) => lines.push((n === 0 ? first.padEnd(col) : ' '.repeat(col)) + w));
    }
  });
  return lines.join('\n') + '\n';
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    const indent = /^\s*/.exec(para)![0];
    for (const word of para.trim().split(/\s+/)) {
      if (line !== '' && line.length + 1 + word.length > width) {
        out.push(line);
        line = indent + word;
      } else {
        line = line === '' ? indent + word : `${line} ${word}`;
      }
    }
    out.push(line);
  }
  return out;
}
