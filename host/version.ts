// Versions Saker reports. The engine version is the one Falco 0.44.1 reports, since rules files
// gate on it with `required_engine_version`.
export const SAKER_VERSION = '0.1.0';
export const ENGINE_VERSION = '0.62.0';
