import type { RouteSpec } from '../../lib/topology/types.ts';

/** A route that matched a request, with its path parameters. */
export interface RouteMatch {
  route: RouteSpec;
  routeKey: string;
  pathParameters: Record<string, string>;
}

/** Finds the route for a method and path, as API Gateway HTTP APIs match `{param}` segments. */
export function matchRoute(routes: RouteSpec[], method: string, path: string): RouteMatch | undefined {
  const segments = path.split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    const pattern = route.path.split('/');
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const ok = pattern.every((part, i) => {
      const segment = segments[i] as string;
      if (part.startsWith('{') && part.endsWith('}')) {
        if (!segment) return false;
        params[part.slice(1, -1)] = decodeURIComponent(segment);
        return true;
      }
      return part === segment;
    });
    if (ok) return { route, routeKey: `${route.method} ${route.path}`, pathParameters: params };
  }
  return undefined;
}

/** True when some route serves this path with another method (405 rather than 404). */
export function pathHasRoute(routes: RouteSpec[], path: string): boolean {
  return routes.some((r) => matchRoute([r], r.method, path));
}
