import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { createApp } from '../../infra/create-app.ts';
import type { QdnStack } from '../../infra/stack.ts';
import type { Topology } from '../../lib/topology/types.ts';

/** A CloudFormation resource as the template holds it. */
// biome-ignore lint/suspicious/noExplicitAny: template properties are checked field by field.
export type Resource = { Type: string; Properties: any; DependsOn?: unknown };

/** A stand-in web build, so the site's deployment is part of the template under test. */
export function fakeWebBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'qdn-web-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>QuickDumpNow</title>');
  writeFileSync(join(dir, '404.html'), '<!doctype html><title>Not found</title>');
  return dir;
}

/**
 * Synthesizes the stack with bundling skipped (seconds, no esbuild), the AwsSolutions checks on:
 * an unacknowledged finding makes this throw.
 */
export function synthStack(
  options: { topology?: Topology; context?: Record<string, unknown>; webBuildDir?: string } = {},
): { stack: QdnStack; template: Template; resources: Record<string, Resource> } {
  const outdir = mkdtempSync(join(tmpdir(), 'qdn-cdk-'));
  const web = options.webBuildDir ?? fakeWebBuild();
  try {
    const { stack } = createApp({
      topology: options.topology,
      webBuildDir: web,
      context: { 'aws:cdk:bundling-stacks': [], ...options.context },
      outdir,
    });
    const template = Template.fromStack(stack);
    return { stack, template, resources: template.toJSON().Resources as Record<string, Resource> };
  } finally {
    // The assembly (~20 MB: the deployment's CLI layer) is not needed once the template is read.
    rmSync(outdir, { recursive: true, force: true });
    if (!options.webBuildDir) rmSync(web, { recursive: true, force: true });
  }
}

/** The resources of one type, by logical id. */
export function ofType(resources: Record<string, Resource>, type: string): Array<[string, Resource]> {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

/** The logical id a `{ Ref }` or `{ Fn::GetAtt }` points at, or undefined. */
export function refId(value: unknown): string | undefined {
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') return v.Ref;
    const att = v['Fn::GetAtt'];
    if (Array.isArray(att) && typeof att[0] === 'string') return att[0];
  }
  return undefined;
}
