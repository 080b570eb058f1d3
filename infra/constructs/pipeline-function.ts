import { basename, join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The repository root: entries, the lockfile and package.json are resolved from it. */
export const PROJECT_ROOT = join(import.meta.dirname, '..', '..');

/**
 * Packages that cannot be bundled (native binaries, WASM loaded from files): installed into the
 * asset by npm for Lambda's platform instead. Each must be a dependency in package.json.
 */
export const NATIVE_PACKAGES: Record<string, string[]> = {
  thumbnail: ['sharp', 'heic-decode'],
};

/**
 * Files a function loads beside its bundle at run time, copied to the asset's root: the HEIC
 * decoder's worker thread (`new URL('./heic-worker.mjs', import.meta.url)` in the bundle), which
 * keeps a second of WASM decoding off the thread that answers the batch. Without it the decode
 * would fall back to the calling thread.
 */
export const RUNTIME_FILES: Record<string, string[]> = {
  thumbnail: ['lib/image/heic-worker.mjs'],
};

/** npm settings that make `npm ci` in the asset fetch sharp's binaries for Lambda arm64, not this host. */
export const LAMBDA_NPM_PLATFORM = {
  npm_config_os: 'linux',
  npm_config_cpu: 'arm64',
  npm_config_libc: 'glibc',
  // Once the arm64 binaries are in the npm cache, later synths install them with no network.
  npm_config_prefer_offline: 'true',
};

// Some bundled CommonJS dependencies call `require` for Node built-ins; ESM has none, so give it one.
const ESM_REQUIRE_BANNER =
  "import { createRequire as __qdnCreateRequire } from 'node:module'; const require = __qdnCreateRequire(import.meta.url);";

/** What one Lambda function needs: its entry, export, limits and environment. */
export interface PipelineFunctionProps {
  /** The folder under `functions/` (the topology's function name). */
  folder: string;
  /** Named export of `functions/<folder>/handler.ts`. */
  handlerExport: string;
  runtime: lambda.Runtime;
  memoryMb: number;
  timeoutSeconds: number;
  environment: Record<string, string>;
  logRetentionDays: number;
  description: string;
}

/**
 * One function: `NodejsFunction` bundled by the local esbuild as ESM for arm64, its own role with
 * no managed policy (it may write only to its own log group) and a log group with a retention.
 */
export class PipelineFunction extends Construct {
  /** The Lambda function. */
  readonly fn: NodejsFunction;
  /** Its execution role; grants are added by the stack, statement by statement. */
  readonly role: iam.Role;
  /** Its log group (metric filters read the verdict lines from it). */
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.logGroup = logGroup;
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.description}`,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    const native = NATIVE_PACKAGES[props.folder] ?? [];
    const files = RUNTIME_FILES[props.folder] ?? [];
    this.fn = new NodejsFunction(this, 'Function', {
      description: props.description,
      entry: join(PROJECT_ROOT, 'functions', props.folder, 'handler.ts'),
      handler: props.handlerExport,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: props.runtime,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memoryMb,
      timeout: Duration.seconds(props.timeoutSeconds),
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      role: this.role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      awsSdkConnectionReuse: false,
      bundling: {
        format: OutputFormat.ESM,
        target: esbuildTarget(props.runtime),
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // The SDK is bundled too: the versions the lockfile pins, not whatever the runtime ships.
        externalModules: [],
        nodeModules: native,
        ...(native.length > 0 ? { environment: LAMBDA_NPM_PLATFORM } : {}),
        forceDockerBundling: false,
        ...(files.length > 0
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                // Runs on this machine (local bundling): plain cp into the staged asset.
                afterBundling: (inputDir: string, outputDir: string) =>
                  files.map((f) => `cp "${join(inputDir, f)}" "${join(outputDir, basename(f))}"`),
              },
            }
          : {}),
      },
    });
  }
}

/** `nodejs24.x` → `node24`: esbuild's target for the runtime. */
export function esbuildTarget(runtime: lambda.Runtime): string {
  const match = /^nodejs(\d+)\.x$/.exec(runtime.name);
  if (!match) throw new Error(`Expected a nodejsNN.x runtime but received ${runtime.name}`);
  return `node${match[1]}`;
}

/** The Lambda runtime named by the topology, refused when this CDK does not know it. */
export function runtimeNamed(name: string): lambda.Runtime {
  const runtime = lambda.Runtime.ALL.find((r) => r.name === name && r.family === lambda.RuntimeFamily.NODEJS);
  if (!runtime)
    throw new Error(`Expected a Node.js Lambda runtime known to aws-cdk-lib but received ${name}`);
  return runtime;
}
