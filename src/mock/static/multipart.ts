// A multipart/form-data body as Prism reads it (validators/body.js parseMultipartFormDataParams): parse-multipart-data
// 1.5.0's parse() over the body's UTF-8 bytes, each part's name → its data as text. Its state machine and its
// part reading (process()) are followed step by step, throws included, with Web APIs in place of Buffer.

const enum State {
  INIT,
  READING_HEADERS,
  READING_DATA,
  READING_PART_SEPARATOR,
}

interface RawPart {
  contentDispositionHeader: string;
  contentTypeHeader: string;
  part: number[];
}

/** process(): the part's name (and filename, type, as the package reads them) and its bytes. */
function processPart(part: RawPart): { name: string; data: Uint8Array } {
  const header = part.contentDispositionHeader.split(';');
  const filenameData = header[2];
  if (filenameData) {
    const k = filenameData.split('=');
    JSON.parse(k[1]!.trim()); // the filename, read (and thrown on) as the package does
    part.contentTypeHeader.split(':')[1]!.trim();
  }
  return { name: header[1]!.split('=')[1]!.replace(/"/g, ''), data: Uint8Array.from(part.part) };
}

function parse(body: Uint8Array, boundary: string): Array<{ name: string; data: Uint8Array }> {
  let lastline = '';
  let contentDispositionHeader = '';
  let contentTypeHeader = '';
  let state = State.INIT;
  let buffer: number[] = [];
  const allParts: Array<{ name: string; data: Uint8Array }> = [];
  let currentPartHeaders: string[] = [];
  for (let i = 0; i < body.length; i++) {
    const oneByte = body[i]!;
    const prevByte = i > 0 ? body[i - 1] : null;
    const newLineDetected = oneByte === 0x0a && prevByte === 0x0d;
    const newLineChar = oneByte === 0x0a || oneByte === 0x0d;
    if (!newLineChar) lastline += String.fromCharCode(oneByte);
    if (State.INIT === state && newLineDetected) {
      if ('--' + boundary === lastline) state = State.READING_HEADERS;
      lastline = '';
    } else if (State.READING_HEADERS === state && newLineDetected) {
      if (lastline.length) {
        currentPartHeaders.push(lastline);
      } else {
        for (const h of currentPartHeaders) {
          if (h.toLowerCase().startsWith('content-disposition:')) contentDispositionHeader = h;
          else if (h.toLowerCase().startsWith('content-type:')) contentTypeHeader = h;
        }
        state = State.READING_DATA;
        buffer = [];
      }
      lastline = '';
    } else if (State.READING_DATA === state) {
      if (lastline.length > boundary.length + 4) lastline = '';
      if ('--' + boundary === lastline) {
        const j = buffer.length - lastline.length;
        allParts.push(processPart({ contentDispositionHeader, contentTypeHeader, part: buffer.slice(0, j - 1) }));
        buffer = [];
        currentPartHeaders = [];
        lastline = '';
        state = State.READING_PART_SEPARATOR;
        contentDispositionHeader = '';
        contentTypeHeader = '';
      } else {
        buffer.push(oneByte);
      }
      if (newLineDetected) lastline = '';
    } else if (State.READING_PART_SEPARATOR === state) {
      if (newLineDetected) state = State.READING_HEADERS;
    }
  }
  return allParts;
}

/** Each part's name → its data decoded as UTF-8 (a later part of the same name wins). */
export function multipartFields(target: string, boundary: string): Record<string, string> {
  const decoder = new TextDecoder();
  const fields: Record<string, string> = {};
  for (const part of parse(new TextEncoder().encode(target), boundary)) fields[part.name] = decoder.decode(part.data);
  return fields;
}
