// required_engine_version (integer or semver against engine 0.62.0) and required_plugin_versions
// (the container plugin is built in; other plugins are missing).
import { describe, expect, it } from 'vitest';
import { checkPluginRequirements } from '../../host/rules/loader.js';
import { errorsOf, load, onlyError, ruleYaml, warningsOf } from './helpers.js';

describe('required_engine_version', () => {
  it.each(['0.26.0', '26', '0.62.0', '62'])('accepts %s', (v) => {
    const l = load(`- required_engine_version: ${v}\n${ruleYaml('r')}`);
    expect(errorsOf(l)).toEqual([]);
    expect(warningsOf(l)).toEqual([]);
  });

  it('keeps the highest requirement in the rule set', () => {
    const l = load(`- required_engine_version: 0.50.0\n- required_engine_version: 57\n- required_engine_version: 0.3.0\n`);
    expect(l.ruleset!.requiredEngineVersion).toBe('0.57.0');
  });

  it('refuses a newer engine version', () => {
    expect(onlyError(load('- required_engine_version: 0.63.0\n'))).toEqual({
      code: 'LOAD_ERR_VALIDATE',
      message: 'Rules require engine version 0.63.0, but engine version is 0.62.0',
      where: 'In rules content: (rules.yaml:0:0)\n    required_engine_version: (rules.yaml:0:2)\n',
    });
    expect(onlyError(load('- required_engine_version: 100\n')).message).toBe(
      'Rules require engine version 0.100.0, but engine version is 0.62.0',
    );
  });

  it('refuses another major version', () => {
    expect(onlyError(load('- required_engine_version: 1.0.0\n')).message).toBe(
      'Rules require engine version 1.0.0, but engine version is 0.62.0',
    );
  });

  it('refuses text that is not a version', () => {
    expect(onlyError(load('- required_engine_version: seven\n'))).toEqual({
      code: 'LOAD_ERR_YAML_VALIDATE',
      message: 'Unable to parse engine version \'seven\' as a semver string. Expected "x.y.z" semver format.',
      where: 'In rules content: (rules.yaml:0:0)\n    required_engine_version: (rules.yaml:0:2)\n',
    });
  });

  it('refuses an empty version', () => {
    expect(onlyError(load('- required_engine_version:\n')).message).toBe("Mapping for key 'required_engine_version' is empty");
  });
});

describe('required_plugin_versions', () => {
  it('records requirements with alternatives', () => {
    const l = load(`- required_plugin_versions:
    - name: container
      version: 0.4.0
      alternatives:
        - name: k8smeta
          version: 0.1.0
`);
    expect(l.ruleset!.requiredPluginVersions).toEqual([
      [{ name: 'container', version: '0.4.0' }, { name: 'k8smeta', version: '0.1.0' }],
    ]);
    expect(checkPluginRequirements(l.ruleset!)).toBeUndefined();
  });

  it('reports a plugin that is not loaded', () => {
    const l = load('- required_plugin_versions:\n    - name: k8saudit\n      version: 0.1.0\n');
    expect(checkPluginRequirements(l.ruleset!)).toBe("Plugin 'k8saudit' is required but not loaded");
  });

  it('satisfies an unknown plugin through a container alternative', () => {
    const l = load(
      '- required_plugin_versions:\n    - name: k8saudit\n      version: 0.1.0\n      alternatives:\n        - name: container\n          version: 0.2.2\n',
    );
    expect(checkPluginRequirements(l.ruleset!)).toBeUndefined();
  });

  it('reports an incompatible plugin version', () => {
    const l = load('- required_plugin_versions:\n    - name: container\n      version: 1.0.0\n');
    expect(checkPluginRequirements(l.ruleset!)).toBe(
      "Plugin 'container' version '0.6.0' is not compatible with required plugin version '1.0.0'",
    );
  });

  it('validates the requirement structure', () => {
    expect(onlyError(load('- required_plugin_versions: container\n'))).toEqual({
      code: 'LOAD_ERR_YAML_VALIDATE',
      message: 'Value of required_plugin_versions must be a sequence',
      where: 'In rules content: (rules.yaml:0:0)\n    required plugin versions: (rules.yaml:0:28)\n',
    });
    expect(onlyError(load('- required_plugin_versions:\n    - container\n')).message).toBe('Plugin version must be a mapping');
    expect(onlyError(load('- required_plugin_versions:\n    - name: container\n')).where).toBe(
      "In rules content: (rules.yaml:0:0)\n    required plugin versions: (rules.yaml:1:4)\n    required plugin versions entry 'container': (rules.yaml:1:6)\n",
    );
  });

  it('rejects invalid and duplicate versions', () => {
    expect(errorsOf(load('- required_plugin_versions:\n    - name: container\n      version: latest\n'))).toEqual([
      { code: 'LOAD_ERR_VALIDATE', message: "Invalid required version 'latest' for plugin 'container'" },
    ]);
    expect(
      errorsOf(
        load(
          '- required_plugin_versions:\n    - name: container\n      version: 0.1.0\n      alternatives:\n        - name: container\n          version: 0.2.0\n',
        ),
      ),
    ).toEqual([{ code: 'LOAD_ERR_VALIDATE', message: "Defined multiple alternative version requirements for plugin 'container'" }]);
  });
});

describe('version and number decoding as yaml-cpp and libs do it', () => {
  it('reads integer engine versions with automatic base', () => {
    expect(load('- required_engine_version: 0x1A\n').ruleset!.requiredEngineVersion).toBe('0.26.0');
    expect(load('- required_engine_version: 010\n').ruleset!.requiredEngineVersion).toBe('0.8.0');
  });

  it('ignores text after a semver, as sscanf does', () => {
    expect(load('- required_engine_version: 0.57.0-rc1\n').ruleset!.requiredEngineVersion).toBe('0.57.0');
  });

  it('reads capture durations as unsigned numbers', () => {
    const l = load(ruleYaml('r', 'evt.type = open', '  capture: true\n  capture_duration: 5000\n'));
    expect([l.ruleset!.rules[0]!.capture, l.ruleset!.rules[0]!.captureDuration]).toEqual([true, 5000]);
    expect(onlyError(load(ruleYaml('r', 'evt.type = open', '  capture_duration: -1\n'))).message).toBe("Can't decode YAML scalar value");
  });

  it('replaces capture settings with override', () => {
    const l = load(`${ruleYaml('r')}- rule: r\n  capture: true\n  capture_duration: 10\n  override:\n    capture: replace\n    capture_duration: replace\n`);
    expect([l.ruleset!.rules[0]!.capture, l.ruleset!.rules[0]!.captureDuration]).toEqual([true, 10]);
  });
});

describe('override values as yaml-cpp converts them', () => {
  it('reads a null operation as the text null', () => {
    expect(onlyError(load('- list: l\n  items: [a]\n  override:\n    items: ~\n')).message).toBe(
      "Invalid override operation for key 'items': 'null'. Allowed values are: append replace ",
    );
  });

  it('reports a non-scalar operation as a bad conversion against the file', () => {
    expect(onlyError(load('- list: l\n  items: [a]\n  override:\n    items: [append]\n'))).toEqual({
      code: 'LOAD_ERR_VALIDATE',
      message: 'yaml-cpp: error at line 4, column 12: bad conversion',
      where: 'In rules content: (rules.yaml:0:0)\n',
    });
  });

  it('ignores a scalar override and rejects a sequence', () => {
    expect(errorsOf(load('- list: l\n  items: [a]\n  override: append\n'))).toEqual([]);
    expect(onlyError(load('- list: l\n  items: [a]\n  override: [items]\n')).message).toBe(
      'invalid node; this may result from using a map iterator as a sequence iterator, or vice-versa',
    );
  });
});
