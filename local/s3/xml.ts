import type { S3Error } from './errors.ts';

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** S3's XML namespace, on the root of every successful answer. */
export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** A child of an XML element: text, a number, nested elements, or nothing (left out). */
export type XmlValue = string | number | boolean | XmlNode[] | undefined;

/** One element: its name and value. Arrays of nodes keep S3's element order. */
export type XmlNode = [name: string, value: XmlValue];

/** Text escaped for XML element content; `"` too, as S3 writes ETags as `&quot;…&quot;`. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' }[c]};`);
}

function render([name, value]: XmlNode): string {
  if (value === undefined) return '';
  const inner = Array.isArray(value) ? value.map(render).join('') : escapeXml(String(value));
  return `<${name}>${inner}</${name}>`;
}

/** A whole XML document with its declaration; `namespace` goes on the root as S3 writes it. */
export function xmlDocument(root: string, children: XmlNode[], namespace?: string): string {
  const open = namespace ? `<${root} xmlns="${namespace}">` : `<${root}>`;
  return `${XML_DECLARATION}${open}${children.map(render).join('')}</${root}>`;
}

/** S3's error body: Code, Message, the error's details, RequestId and HostId, in that order. */
export function errorXml(error: S3Error, requestId: string, hostId: string): string {
  const details = Object.entries(error.details).map(([name, value]): XmlNode => [name, value]);
  return xmlDocument('Error', [
    ['Code', error.code],
    ['Message', error.message],
    ...details,
    ['RequestId', requestId],
    ['HostId', hostId],
  ]);
}
