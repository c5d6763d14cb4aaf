// The YAML parse the CLI's schema check makes is kept for the loader's read of the same text, once.
import { describe, expect, it } from 'vitest';
import { readYamlDocuments, readYamlDocumentsKept } from '../../host/rules/yaml-doc.js';

describe('readYamlDocumentsKept', () => {
  it('hands its parse to the next read of the same text only, then parses afresh', () => {
    const text = '- rule: a\n  condition: evt.type = open\n';
    const first = readYamlDocumentsKept(text);
    expect(readYamlDocuments(text)).toBe(first);
    const again = readYamlDocuments(text);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });

  it('a read of another text drops what was kept', () => {
    const kept = readYamlDocumentsKept('- list: x\n  items: []\n');
    readYamlDocuments('- list: y\n  items: []\n');
    expect(readYamlDocuments('- list: x\n  items: []\n')).not.toBe(kept);
  });
});
