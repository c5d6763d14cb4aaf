// The version facts `--version` and `--support` print, in Falco's versions_info shape. Saker has
// no falcosecurity/libs, plugin API or kernel driver, so those report `none`; the engine version
// is the one rules files gate on.
import { arch } from 'node:os';
import { BUILTIN_PLUGINS } from '../rules/index.js';
import { ENGINE_VERSION, SAKER_VERSION } from '../version.js';

export const NOT_APPLICABLE = 'none';

export interface VersionsInfo {
  sakerVersion: string;
  libsVersion: string;
  pluginApiVersion: string;
  engineVersion: string;
  driverApiVersion: string;
  driverSchemaVersion: string;
  defaultDriverVersion: string;
}

export function versionsInfo(): VersionsInfo {
  return {
    sakerVersion: SAKER_VERSION,
    libsVersion: NOT_APPLICABLE,
    pluginApiVersion: NOT_APPLICABLE,
    engineVersion: ENGINE_VERSION,
    driverApiVersion: NOT_APPLICABLE,
    driverSchemaVersion: NOT_APPLICABLE,
    defaultDriverVersion: NOT_APPLICABLE,
  };
}

/**
 * Falco's as_json() keys; `engine_version` is the minor number alone, as Falco keeps it for
 * falcoctl, and `plugin_versions` names the plugins built into Saker.
 */
export function versionsJson(info: VersionsInfo): Record<string, string | Record<string, string>> {
  return {
    default_driver_version: info.defaultDriverVersion,
    driver_api_version: info.driverApiVersion,
    driver_schema_version: info.driverSchemaVersion,
    engine_version: String(Number.parseInt(info.engineVersion.split('.')[1] ?? '0', 10)),
    engine_version_semver: info.engineVersion,
    falco_version: info.sakerVersion,
    libs_version: info.libsVersion,
    plugin_api_version: info.pluginApiVersion,
    plugin_versions: Object.fromEntries(BUILTIN_PLUGINS.map((p) => [p.name, p.version])),
  };
}

export function versionText(info: VersionsInfo): string {
  return [
    `Saker version: ${info.sakerVersion}`,
    `Libs version:  ${info.libsVersion}`,
    `Plugin API:    ${info.pluginApiVersion}`,
    `Engine:        ${info.engineVersion}`,
    'Driver:',
    `  API version:    ${info.driverApiVersion}`,
    `  Schema version: ${info.driverSchemaVersion}`,
    `  Default driver: ${info.defaultDriverVersion}`,
  ].join('\n') + '\n';
}

/** The architecture name Falco prints after its version (uname -m spelling). */
export function targetArch(): string {
  const a = arch();
  return a === 'x64' ? 'x86_64' : a === 'arm64' ? 'aarch64' : a;
}
