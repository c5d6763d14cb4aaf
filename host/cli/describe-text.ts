// Falco's text form of `-L` / `-l`: a two-column table, names padded to 50 characters and
// descriptions word-wrapped to 110 columns (continuations indented by 51), each word followed by
// a space, each rule followed by a blank line.
const NAME_WIDTH = 50;
const DESC_INDENT = 51;
const LINE_LENGTH = 110;

/** falco::utils::wrap_text: words separated by whitespace, each written with a trailing space. */
export function wrapText(text: string, indent: number, lineLength: number): string {
  let out = '';
  let len = 0;
  for (const word of text.split(/[ \t\n\v\f\r]+/).filter((w) => w !== '')) {
    if (len + word.length + 1 <= lineLength - indent) {
      len += word.length + 1;
    } else {
      out += '\n' + ' '.repeat(Math.max(indent, 1));
      len = word.length + 1;
    }
    out += `${word} `;
  }
  return out;
}

function twoColumns(left: string, right: string): string {
  return `${left.padEnd(NAME_WIDTH)} ${right}\n`;
}

export function formatRulesAsText(rules: ReadonlyArray<{ name: string; description: string }>): string {
  let out = twoColumns('Rule', 'Description') + twoColumns('----', '-----------');
  for (const r of rules) out += twoColumns(r.name, `${wrapText(r.description, DESC_INDENT, LINE_LENGTH)}\n`);
  return out;
}
