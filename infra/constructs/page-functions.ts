/**
 * The CloudFront Functions of the site (cloudfront-js-2.0), as source text so tests can run them.
 * They map page paths to files exactly as `pageFor` in local/http/static-files.ts does, and give
 * the 404 page its 404 status without CloudFront error pages — those apply to every behaviour and
 * would replace the API's own 403/404 JSON with HTML.
 */

/** The user-metadata key the 404 page is uploaded with; S3 returns it as `x-amz-meta-…`. */
export const NOT_FOUND_METADATA = 'qdn-status';

/** The sign-in settings the deployment writes next to the pages (a file, not a page). */
export const AUTH_CONFIG_PATH = '/auth-config.json';

/** Viewer request: a page path → its file; `/assets/…` and the 404 page as they are; else the 404 page. */
export const PAGE_REQUEST_FUNCTION = `function handler(event) {
  var r = event.request;
  var p = r.uri;
  if (p === '/' || p === '/index.html') r.uri = '/index.html';
  else if (/^\\/track\\/[^\\/]+\\/?$/.test(p)) r.uri = '/track/index.html';
  else if (p === '/book' || p === '/book/') r.uri = '/book/index.html';
  else if (p === '/ops') r.uri = '/ops/index.html';
  else if (p.indexOf('/assets/') !== 0 && p !== '/404.html' && p !== '${AUTH_CONFIG_PATH}') r.uri = '/404.html';
  return r;
}`;

/** Viewer response: the object uploaded as the 404 page answers with status 404. */
export const PAGE_RESPONSE_FUNCTION = `function handler(event) {
  var res = event.response;
  var mark = res.headers['x-amz-meta-${NOT_FOUND_METADATA}'];
  if (mark && mark.value === '404') {
    res.statusCode = 404;
    res.statusDescription = 'Not Found';
    delete res.headers['x-amz-meta-${NOT_FOUND_METADATA}'];
  }
  return res;
}`;
