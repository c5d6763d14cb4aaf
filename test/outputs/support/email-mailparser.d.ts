// mailparser 3.9.1 ships no types; these are the parts the email tests read.
declare module 'mailparser' {
  export interface AddressObject {
    text: string;
    value: { address?: string; name: string }[];
  }
  export interface ParsedMail {
    subject?: string;
    text?: string;
    html: string | false;
    from?: AddressObject;
    to?: AddressObject | AddressObject[];
    cc?: AddressObject | AddressObject[];
    headers: Map<string, unknown>;
  }
  export function simpleParser(source: Buffer | string | NodeJS.ReadableStream): Promise<ParsedMail>;
}
