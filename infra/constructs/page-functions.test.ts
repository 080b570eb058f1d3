import { describe, expect, it } from 'vitest';
import { NOT_FOUND_METADATA, PAGE_REQUEST_FUNCTION, PAGE_RESPONSE_FUNCTION } from './page-functions.ts';

// biome-ignore lint/suspicious/noExplicitAny: CloudFront's event objects, built by hand here.
type Handler = (event: any) => any;
// The functions are plain JS run by CloudFront; run the same text here.
const load = (code: string) => new Function(`${code}\nreturn handler;`)() as Handler;
const request = load(PAGE_REQUEST_FUNCTION);
const response = load(PAGE_RESPONSE_FUNCTION);
const uriFor = (uri: string) => request({ request: { uri, headers: {} } }).uri;

describe('the site functions', () => {
  it('map page paths to their files as the local runtime does', () => {
    expect(uriFor('/')).toBe('/index.html');
    expect(uriFor('/track/job-demo-1')).toBe('/track/index.html');
    expect(uriFor('/track/job-demo-1/')).toBe('/track/index.html');
    expect(uriFor('/book')).toBe('/book/index.html');
    expect(uriFor('/ops')).toBe('/ops/index.html');
    expect(uriFor('/assets/app-1a2b3c.js')).toBe('/assets/app-1a2b3c.js');
  });

  it('send every other path to the 404 page', () => {
    for (const uri of ['/nope', '/track/', '/track/a/b', '/index.htm', '/book/x', '/.env']) {
      expect(uriFor(uri), uri).toBe('/404.html');
    }
  });

  it('give the marked 404 page status 404 and leave other answers alone', () => {
    const marked = response({
      request: { uri: '/404.html' },
      response: { statusCode: 200, headers: { [`x-amz-meta-${NOT_FOUND_METADATA}`]: { value: '404' } } },
    });
    expect(marked).toMatchObject({ statusCode: 404, statusDescription: 'Not Found', headers: {} });
    const page = response({ request: { uri: '/index.html' }, response: { statusCode: 200, headers: {} } });
    expect(page.statusCode).toBe(200);
  });
});
