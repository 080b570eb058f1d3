import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { topology as defaultTopology } from '../lib/topology/topology.ts';
import type { Topology } from '../lib/topology/types.ts';
import { readSettings } from './settings.ts';
import { QdnStack } from './stack.ts';

/**
 * Feature flags the stack relies on: access logs delivered by bucket policy (the log bucket keeps
 * ACLs disabled), and the current defaults a new `cdk init` would write.
 */
export const FEATURE_FLAGS: Record<string, unknown> = {
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  '@aws-cdk/aws-s3:createDefaultLoggingPolicy': true,
  '@aws-cdk/aws-iam:minimizePolicies': true,
  '@aws-cdk/core:enablePartitionLiterals': true,
};

/** Options for tests: another topology, extra context (e.g. skip bundling), another web build. */
export interface CreateAppOptions {
  topology?: Topology;
  context?: Record<string, unknown>;
  webBuildDir?: string;
  outdir?: string;
}

/**
 * The app with its one stack and the AwsSolutions checks: every finding fails synthesis unless
 * it is acknowledged, with a reason, on the construct it concerns.
 */
export function createApp(options: CreateAppOptions = {}): { app: App; stack: QdnStack } {
  const props: AppProps = { context: { ...FEATURE_FLAGS, ...options.context } };
  const app = new App(options.outdir ? { ...props, outdir: options.outdir } : props);
  const settings = readSettings((key) => app.node.tryGetContext(key));
  const stack = new QdnStack(app, settings.stackName, {
    topology: options.topology ?? defaultTopology,
    settings,
    webBuildDir: options.webBuildDir,
    env: {
      account: settings.account ?? process.env.CDK_DEFAULT_ACCOUNT,
      region: settings.region ?? process.env.CDK_DEFAULT_REGION,
    },
    description: 'QuickDumpNow photo pipeline (generated from lib/topology)',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
