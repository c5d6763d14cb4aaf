export { StdoutChannel, type StdoutChannelOptions } from './stdout.js';
export { FileChannel, type FileChannelOptions } from './file.js';
export { ProgramChannel, type ProgramChannelOptions } from './program.js';
export {
  LoggerProcessTransport, SYSLOG_FACILITY_USER, SYSLOG_SEVERITY_NAMES, SyslogChannel, type SyslogChannelOptions, type SyslogTransport,
} from './syslog.js';
export { HttpChannel, unquoteUrl, type HttpChannelOptions } from './http.js';
