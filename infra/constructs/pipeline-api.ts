import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionName, RouteSpec } from '../../lib/topology/types.ts';

/**
 * The only routes that may skip the gate, as API.md says: the public quote, Stripe's webhook
 * (the function verifies `Stripe-Signature`) and booking's public customer-token keys.
 */
export const OPEN_ROUTES = new Set([
  'POST /book-quote',
  'POST /stripe/webhook',
  'GET /.well-known/customer-jwks.json',
  // A tracking link is the credential: booking verifies it (signature, audience, the quote's owner).
  'POST /tracking/token',
]);

/** How long API Gateway reuses an authorizer answer for the same Authorization header. */
export const AUTHORIZER_CACHE_TTL_SECONDS = 300;

/** What the API is built from. */
export interface PipelineApiProps {
  allowOrigins: string[];
  methods: string[];
  rateLimit: number;
  burstLimit: number;
  logRetentionDays: number;
}

/**
 * The HTTP API: its `$default` stage with throttling and JSON access logs, CORS for the dashboard
 * origins, then (in {@link PipelineApi.addTopologyRoutes}) one route per topology route with the
 * Lambda gate on every `jwt` route and no gate only on {@link OPEN_ROUTES} — anything else open
 * is refused at synth. Functions may name the API's URL: the API itself refers to none of them.
 */
export class PipelineApi extends Construct {
  /** The HTTP API. */
  readonly api: apigw.HttpApi;
  /** Its `$default` stage (throttled, logged). */
  readonly stage: apigw.HttpStage;

  constructor(scope: Construct, id: string, props: PipelineApiProps) {
    super(scope, id);
    this.api = new apigw.HttpApi(this, 'Api', {
      description: 'QuickDumpNow photo pipeline API (routes from lib/topology)',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: props.allowOrigins,
        allowMethods: props.methods.map((m) => m as apigw.CorsHttpMethod),
        allowHeaders: ['authorization', 'content-type'],
        maxAge: Duration.hours(1),
      },
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
  }

  /** The API's base URL (`https://<id>.execute-api.<region>.amazonaws.com`), no trailing slash. */
  get url(): string {
    return this.api.apiEndpoint;
  }

  /** Adds the routes, each integrated with its function, gated unless the contract opens it. */
  addTopologyRoutes(
    routes: RouteSpec[],
    handlers: Partial<Record<FunctionName, lambda.IFunction>>,
    authorizer: lambda.IFunction,
  ): void {
    const gate = new HttpLambdaAuthorizer('Gate', authorizer, {
      authorizerName: 'qdn-gate',
      identitySource: ['$request.header.Authorization'],
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      resultsCacheTtl: Duration.seconds(AUTHORIZER_CACHE_TTL_SECONDS),
    });
    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      const handler = handlers[route.function];
      if (!handler)
        throw new Error(`Expected a function for route ${key} (${route.function}) but found none`);
      let integration = integrations.get(route.function);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${route.function}-integration`, handler);
        integrations.set(route.function, integration);
      }
      const open = route.auth !== 'jwt';
      if (open && !OPEN_ROUTES.has(key)) {
        throw new Error(
          `Expected route ${key} to require a token (only ${[...OPEN_ROUTES].join(', ')} are open)`,
        );
      }
      const [created] = this.api.addRoutes({
        path: route.path,
        methods: [route.method as apigw.HttpMethod],
        integration,
        authorizer: open ? new apigw.HttpNoneAuthorizer() : gate,
      });
      if (open && created) {
        Validations.of(created).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${key} is open by the contract (API.md): ${route.auth === 'stripe-signature' ? 'Stripe sends no token; the function verifies Stripe-Signature on the raw body' : 'callers have no account yet; the function accepts an optional customer token'}.`,
        });
      }
    }
  }
}

/** One JSON line per request: enough to trace a call and see why the gate refused it. */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  caller: '$context.authorizer.sub',
  userAgent: '$context.identity.userAgent',
};
