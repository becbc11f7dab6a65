import iconv from 'iconv-lite';

/**
 * Names feeds use for the Chinese encodings, mapped to the decoder that reads them. GB2312 and GBK
 * are subsets of GB18030, and sites labelled "gb2312" routinely send GBK characters, so all three
 * are decoded as GB18030 (as browsers do: the WHATWG Encoding Standard maps gb2312 to GBK).
 * @see https://encoding.spec.whatwg.org/#names-and-labels
 */
const ALIASES: Readonly<Record<string, string>> = {
  gb2312: 'gb18030',
  gbk: 'gb18030',
  'x-gbk': 'gb18030',
  cp936: 'gb18030',
  csgb2312: 'gb18030',
  gb18030: 'gb18030',
  big5: 'big5',
  'big5-hkscs': 'big5hkscs',
  'x-x-big5': 'big5',
  cp950: 'cp950',
  utf8: 'utf8',
  'utf-8': 'utf8',
};

/** How far into a body the XML declaration is looked for. */
const DECLARATION_WINDOW = 1024;

/** The charset parameter of a Content-Type header, lowercased. */
export function headerCharset(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*["']?([^"';\s]+)/i.exec(contentType ?? '');
  return match?.[1]?.toLowerCase();
}

/** The `encoding` of an XML declaration at the start of the body, lowercased. */
export function declaredEncoding(body: Buffer): string | undefined {
  const head = body.subarray(0, DECLARATION_WINDOW).toString('latin1');
  const match = /^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  return match?.[1]?.toLowerCase();
}

function bomEncoding(body: Buffer): string | undefined {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return 'utf8';
  if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** The decoder for a label, when iconv-lite has one. */
function decoderFor(label: string): string | undefined {
  const name = ALIASES[label] ?? label;
  return iconv.encodingExists(name) ? name : undefined;
}

/** A decoded feed and the encoding it was read as. */
export interface DecodedFeed {
  readonly text: string;
  readonly encoding: string;
}

/**
 * Decodes a feed body to text. The encoding comes from a byte-order mark, else the HTTP header's
 * charset, else the XML declaration (RFC 7303 §3: the header wins over the declaration), else
 * UTF-8. A label no decoder knows is passed over for the next source.
 * @see https://www.rfc-editor.org/rfc/rfc7303#section-3
 */
export function decodeFeed(body: Buffer, contentType?: string): DecodedFeed {
  const candidates = [bomEncoding(body), headerCharset(contentType), declaredEncoding(body)];
  let encoding = 'utf8';
  for (const label of candidates) {
    const decoder = label === undefined ? undefined : decoderFor(label);
    if (decoder !== undefined) {
      encoding = decoder;
      break;
    }
  }
  return { text: iconv.decode(body, encoding), encoding };
}
