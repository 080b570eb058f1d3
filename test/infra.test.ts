import { type CfnResource, Validations } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { OPEN_ROUTES } from '../infra/constructs/pipeline-api.ts';
import { authConfig, type Site } from '../infra/constructs/site.ts';
import type { HostedSignIn } from '../infra/constructs/staff-identity.ts';
import { queueEnvNames, secretEnvNames } from '../infra/env-names.ts';
import type { QdnStack } from '../infra/stack.ts';
import { createTableInput } from '../lib/topology/table.ts';
import { topology } from '../lib/topology/topology.ts';
import type { QueueId } from '../lib/topology/types.ts';
import { ofType, type Resource, refId, synthStack } from './helpers/infra-template.ts';

let stack: QdnStack;
let resources: Record<string, Resource>;
const idOf = (construct: { node: { defaultChild?: unknown } }) =>
  stack.resolve((construct.node.defaultChild as CfnResource).logicalId) as string;
const fnId = (name: string) => {
  const made = stack.functions.get(name);
  if (!made) throw new Error(`no function ${name}`);
  return idOf(made.fn);
};
const queueIds = Object.keys(topology.queues) as QueueId[];

beforeAll(() => {
  // Synthesis runs the AwsSolutions checks: an unacknowledged finding throws here.
  ({ stack, resources } = synthStack());
});

describe('cdk-nag', () => {
  it('passes AwsSolutions with every acknowledgement on its own construct, each with a reason', () => {
    // beforeAll synthesized with the checks on; here: where the acknowledgements sit.
    const acks = stack.node
      .findAll()
      .flatMap((c) =>
        c.node.metadata
          .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((m) =>
            Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ c, id, reason })),
          ),
      );
    expect(acks.length).toBeGreaterThan(10);
    for (const { c, id, reason } of acks) {
      expect(c === stack || c === stack.node.scope, `${id} on the stack or app`).toBe(false);
      expect(id).toMatch(/^(Annotation|AwsSolutions)::AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(reason.length, `${id} at ${c.node.path}`).toBeGreaterThan(40);
    }
    expect(
      stack.node.scope?.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY),
    ).toEqual([]);
  });
});

describe('functions', () => {
  it('builds every topology function from functions/<name>/handler.ts with the topology limits, ESM, arm64', () => {
    for (const spec of Object.values(topology.functions)) {
      const fn = resources[fnId(spec.name)] as Resource;
      expect(fn.Properties).toMatchObject({
        Runtime: topology.lambdaRuntime,
        Architectures: ['arm64'],
        MemorySize: spec.memoryMb,
        Timeout: spec.timeoutSeconds,
        Handler: 'index.handler',
      });
      expect(fn.Properties.Environment.Variables).toMatchObject({ QDN_RUNTIME: 'aws', ...spec.environment });
      const entry = stack.functions.get(spec.name)?.fn.node.metadata;
      expect(entry).toBeDefined();
    }
  });

  it('gives every function the identity, bucket, table and bus settings the config reads', () => {
    for (const name of [...stack.functions.keys()]) {
      const env = (resources[fnId(name)] as Resource).Properties.Environment.Variables;
      for (const key of [
        'QDN_UPLOADS_BUCKET',
        'QDN_TABLE_NAME',
        'QDN_EVENT_BUS_NAME',
        'QDN_JWT_ISSUER',
        'QDN_JWKS_URL',
        'QDN_JWT_AUDIENCE',
        'QDN_ROLE_CLAIM',
        'QDN_CUSTOMER_TOKEN_ISSUER',
        'QDN_CUSTOMER_JWKS_URL',
      ]) {
        expect(env, `${name} ${key}`).toHaveProperty(key);
      }
      expect(JSON.stringify(env.QDN_CUSTOMER_JWKS_URL)).toContain('/.well-known/customer-jwks.json');
    }
  });

  it('runs each schedule as its own function with the named export, on a rate rule', () => {
    for (const s of topology.schedules) {
      const id = fnId(`${s.function}-${s.task}`);
      expect((resources[id] as Resource).Properties.Handler).toBe(`index.${s.handlerExport}`);
      const rules = ofType(resources, 'AWS::Events::Rule').filter(([, r]) =>
        r.Properties.Targets?.some((t: { Arn: unknown }) => refId(t.Arn) === id),
      );
      expect(rules).toHaveLength(1);
      expect(rules[0]?.[1].Properties.ScheduleExpression).toBe(`rate(${s.everyMinutes} minutes)`);
    }
  });

  it("points booking's links (tracking page, Checkout return URLs) at the site", () => {
    for (const id of [fnId('booking'), fnId('booking-expire-quotes')]) {
      const vars = (resources[id] as Resource).Properties.Environment.Variables;
      expect(JSON.stringify(vars.QDN_PUBLIC_URL)).toMatch(/DomainName/);
    }
  });

  it('hands secrets over as Secrets Manager ARNs only, never values', () => {
    const booking = (resources[fnId('booking')] as Resource).Properties.Environment.Variables;
    const secrets = ofType(resources, 'AWS::SecretsManager::Secret').map(([id]) => id);
    expect(secrets).toHaveLength(2);
    expect(secrets).toContain(refId(booking[secretEnvNames.stripe]));
    expect(secrets).toContain(refId(booking[secretEnvNames.customerTokenKey]));
    for (const [, fn] of ofType(resources, 'AWS::Lambda::Function')) {
      const vars = fn.Properties.Environment?.Variables ?? {};
      for (const [key, value] of Object.entries(vars)) {
        if (/SECRET|KEY|PASSWORD|TOKEN/.test(key) && !/_ARN$|_ISSUER$/.test(key)) {
          throw new Error(
            `environment variable ${key} looks like a secret in clear: ${JSON.stringify(value)}`,
          );
        }
        expect(JSON.stringify(value)).not.toMatch(/sk_(live|test)_|whsec_|"d":/);
      }
    }
  });
});

describe('queues', () => {
  it('gives each topology queue a DLQ with maxReceiveCount, longer DLQ retention, visibility ≥ 6 × timeout, SSE', () => {
    for (const q of queueIds) {
      const spec = topology.queues[q];
      const pair = stack.queues[q];
      const queue = (resources[idOf(pair.queue)] as Resource).Properties;
      const dlq = (resources[idOf(pair.dlq)] as Resource).Properties;
      expect(queue.QueueName).toBe(spec.name);
      expect(dlq.QueueName).toBe(spec.dlqName);
      expect(queue.RedrivePolicy.maxReceiveCount).toBe(spec.maxReceiveCount);
      expect(refId(queue.RedrivePolicy.deadLetterTargetArn)).toBe(idOf(pair.dlq));
      expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(
        6 * topology.functions[spec.consumer.function].timeoutSeconds,
      );
      expect(dlq.MessageRetentionPeriod).toBeGreaterThan(queue.MessageRetentionPeriod);
      expect(queue.SqsManagedSseEnabled).toBe(true);
      expect(dlq.SqsManagedSseEnabled).toBe(true);
    }
  });

  it('refuses a topology whose visibility is under 6 × timeout or whose DLQ expires first', () => {
    const uploads = topology.queues.uploads;
    const withUploads = (q: Partial<typeof uploads>) => ({
      ...topology,
      queues: { ...topology.queues, uploads: { ...uploads, ...q } },
    });
    expect(() => synthStack({ topology: withUploads({ visibilityTimeoutSeconds: 60 }) })).toThrow(
      /visibility ≥ 6 × on-upload timeout \(180 s\) but received 60 s/,
    );
    expect(() =>
      synthStack({ topology: withUploads({ dlqRetentionSeconds: uploads.retentionSeconds }) }),
    ).toThrow(/DLQ qdn-uploads-dlq retention above/);
  });

  it('refuses plain HTTP on every queue and DLQ', () => {
    const policies = ofType(resources, 'AWS::SQS::QueuePolicy');
    for (const q of queueIds) {
      for (const queue of [stack.queues[q].queue, stack.queues[q].dlq]) {
        const policy = policies.find(([, p]) =>
          p.Properties.Queues.some((r: unknown) => refId(r) === idOf(queue)),
        );
        expect(policy, `${q} policy`).toBeDefined();
        expect(policy?.[1].Properties.PolicyDocument.Statement).toContainEqual(
          expect.objectContaining({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        );
      }
    }
  });

  it('maps each queue to its consumer with ReportBatchItemFailures and the topology batch settings', () => {
    const mappings = ofType(resources, 'AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(queueIds.length);
    for (const q of queueIds) {
      const { consumer } = topology.queues[q];
      const mapping = mappings.find(
        ([, m]) => refId(m.Properties.EventSourceArn) === idOf(stack.queues[q].queue),
      );
      expect(mapping, q).toBeDefined();
      expect(mapping?.[1].Properties).toMatchObject({
        FunctionName: { Ref: fnId(consumer.function) },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BatchSize: consumer.batchSize,
        ScalingConfig: { MaximumConcurrency: consumer.maxConcurrency },
      });
      expect(mapping?.[1].Properties.MaximumBatchingWindowInSeconds ?? 0).toBe(
        consumer.maxBatchingWindowSeconds,
      );
    }
  });

  it('sends the topology bus rules to their queues', () => {
    for (const rule of topology.bus.rules) {
      const [, found] =
        ofType(resources, 'AWS::Events::Rule').find(([, r]) => r.Properties.Name === rule.name) ?? [];
      expect(found?.Properties.EventPattern).toEqual({
        source: [rule.source],
        'detail-type': rule.detailTypes,
      });
      expect(refId(found?.Properties.Targets[0].Arn)).toBe(idOf(stack.queues[rule.targetQueue].queue));
    }
  });
});

describe('buckets', () => {
  const buckets = () => ofType(resources, 'AWS::S3::Bucket');

  it('blocks public access, encrypts and refuses plain HTTP on every bucket', () => {
    expect(buckets().length).toBeGreaterThanOrEqual(4);
    const policies = ofType(resources, 'AWS::S3::BucketPolicy');
    for (const [id, bucket] of buckets()) {
      expect(bucket.Properties.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0]).toMatchObject({
        ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
      });
      const policy = policies.find(([, p]) => refId(p.Properties.Bucket) === id);
      expect(policy, `${id} policy`).toBeDefined();
      expect(policy?.[1].Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 's3:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('gives the uploads bucket the topology CORS, prefix lifecycle, access logs and photos/-only notifications', () => {
    const spec = topology.buckets.uploads;
    const id = idOf(stack.node.findChild('Storage').node.findChild('Uploads'));
    const props = (resources[id] as Resource).Properties;
    expect(props.CorsConfiguration.CorsRules[0]).toMatchObject({
      AllowedOrigins: spec.cors[0]?.allowedOrigins,
      AllowedMethods: spec.cors[0]?.allowedMethods,
      MaxAge: spec.cors[0]?.maxAgeSeconds,
    });
    const rules = props.LifecycleConfiguration.Rules;
    expect(rules).toContainEqual(
      expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({ Prefix: spec.prefixes.quarantine, ExpirationInDays: 30 }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({
        Prefix: spec.prefixes.originals,
        Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }],
      }),
    );
    expect(props.LoggingConfiguration.DestinationBucketName).toBeDefined();

    const [notification] = ofType(resources, 'Custom::S3BucketNotifications');
    expect(refId(notification?.[1].Properties.BucketName)).toBe(id);
    const configs = notification?.[1].Properties.NotificationConfiguration.QueueConfigurations;
    expect(configs).toHaveLength(spec.notifications.length);
    expect(configs[0]).toMatchObject({
      Events: ['s3:ObjectCreated:*'],
      Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'photos/' }] } },
    });
    expect(refId(configs[0].QueueArn)).toBe(idOf(stack.queues.uploads.queue));
  });
});

describe('IAM', () => {
  const statements = () =>
    ofType(resources, 'AWS::IAM::Policy').flatMap(([id, p]) =>
      (p.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>).map((s) => ({ id, s })),
    );
  const list = (v: unknown) => (Array.isArray(v) ? v : [v]);
  // The two custom resources aws-cdk-lib writes itself (acknowledged in cdk-nag with reasons).
  const cdkProvided = /^(BucketNotificationsHandler|CustomCDKBucketDeployment)/;

  it('names no wildcard action in any policy the stack writes', () => {
    const ours = statements().filter(({ id }) => !cdkProvided.test(id));
    expect(ours.length).toBeGreaterThan(20);
    for (const { id, s } of ours) {
      for (const action of list(s.Action)) expect(action, id).not.toMatch(/\*/);
    }
  });

  it('uses Resource "*" only in the CDK-provided custom resources, never in a function role', () => {
    const offenders = statements().filter(({ s }) => list(s.Resource).includes('*'));
    for (const { id } of offenders) expect(id).toMatch(cdkProvided);
  });

  it('grants each function exactly its S3 actions, prefix by prefix', () => {
    const s3Grants = (fn: string) => {
      const role = refId((resources[fnId(fn)] as Resource).Properties.Role);
      const out: string[] = [];
      for (const [, p] of ofType(resources, 'AWS::IAM::Policy')) {
        if (!p.Properties.Roles.some((r: unknown) => refId(r) === role)) continue;
        for (const st of p.Properties.PolicyDocument.Statement) {
          for (const action of list(st.Action).filter((a) => String(a).startsWith('s3:'))) {
            for (const resource of list(st.Resource)) {
              const join = resource['Fn::Join']?.[1];
              out.push(`${action} ${join ? join[1] : 'bucket'}${st.Condition ? ' (prefix-bound)' : ''}`);
            }
          }
        }
      }
      return out.sort();
    };
    expect(s3Grants('presign')).toEqual([
      's3:GetObject /originals/*',
      's3:GetObject /thumbs/*',
      's3:PutObject /photos/*',
    ]);
    expect(s3Grants('on-upload')).toEqual([
      's3:DeleteObject /photos/*',
      's3:GetObject /originals/*',
      's3:GetObject /photos/*',
      's3:ListBucket bucket',
      's3:PutObject /originals/*',
      's3:PutObject /quarantine/*',
    ]);
    expect(s3Grants('thumbnail')).toEqual([
      's3:DeleteObject /originals/*',
      's3:DeleteObject /photos/*',
      's3:GetObject /originals/*',
      's3:GetObject /photos/*',
      's3:ListBucket bucket',
      's3:PutObject /quarantine/*',
      's3:PutObject /thumbs/*',
    ]);
    // GET /quotes/{id} shows the quote's photos as presigned thumbnail GETs.
    expect(s3Grants('booking')).toEqual(['s3:GetObject /thumbs/*']);
    expect(s3Grants('ops')).toEqual([
      's3:GetObject /originals/*',
      's3:GetObject /photos/*',
      's3:ListBucket bucket',
    ]);
  });

  it('grants each function exact actions on exact prefixes', () => {
    const actionsOn = (fn: string) => {
      const role = refId((resources[fnId(fn)] as Resource).Properties.Role);
      const policy = ofType(resources, 'AWS::IAM::Policy').find(([, p]) =>
        p.Properties.Roles.some((r: unknown) => refId(r) === role),
      );
      return JSON.stringify(policy?.[1].Properties.PolicyDocument);
    };
    const presign = actionsOn('presign');
    expect(presign).toContain('/photos/*');
    expect(presign).toContain('/thumbs/*');
    expect(presign).not.toContain('s3:DeleteObject');
    expect(presign).not.toContain('sqs:');
    const onUpload = actionsOn('on-upload');
    expect(onUpload).toContain('/quarantine/*');
    expect(onUpload).toContain('/originals/*');
    expect(onUpload).toContain('sqs:ChangeMessageVisibility');
    expect(onUpload).toContain('events:PutEvents');
    expect(actionsOn('thumbnail')).toContain('/thumbs/*');
    expect(actionsOn('booking')).toContain('secretsmanager:GetSecretValue');
    expect(actionsOn('ops')).toContain('sqs:StartMessageMoveTask');
    expect(actionsOn('ops')).toContain('events:PutEvents');
    for (const fn of ['presign', 'on-upload', 'thumbnail', 'ops']) {
      expect(actionsOn(fn)).not.toContain('secretsmanager');
    }
  });
});

describe('API', () => {
  it('serves every topology route, gated unless API.md opens it', () => {
    const routes = ofType(resources, 'AWS::ApiGatewayV2::Route');
    const [[authorizerId, authorizer]] = ofType(resources, 'AWS::ApiGatewayV2::Authorizer') as [
      [string, Resource],
    ];
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'REQUEST',
      IdentitySource: ['$request.header.Authorization'],
      EnableSimpleResponses: true,
      AuthorizerResultTtlInSeconds: 300,
    });
    for (const route of topology.routes) {
      const key = `${route.method} ${route.path}`;
      const found = routes.find(([, r]) => r.Properties.RouteKey === key);
      expect(found, key).toBeDefined();
      if (route.auth === 'jwt') {
        expect(found?.[1].Properties).toMatchObject({
          AuthorizationType: 'CUSTOM',
          AuthorizerId: { Ref: authorizerId },
        });
      } else {
        expect(OPEN_ROUTES.has(key)).toBe(true);
        expect(found?.[1].Properties.AuthorizationType).toBe('NONE');
      }
    }
    const open = routes
      .filter(([, r]) => r.Properties.AuthorizationType === 'NONE')
      .map(([, r]) => r.Properties.RouteKey);
    for (const key of open) expect(OPEN_ROUTES.has(key), key).toBe(true);
    expect(open).toContain('GET /.well-known/customer-jwks.json');
  });

  it('takes the staff issuer from context instead of creating a user pool', () => {
    const { resources: own } = synthStack({
      context: {
        staffIssuer: 'https://idp.example',
        staffJwksUrl: 'https://idp.example/jwks.json',
        staffAudience: 'qdn-api',
      },
    });
    expect(ofType(own, 'AWS::Cognito::UserPool')).toHaveLength(0);
    for (const [, fn] of ofType(own, 'AWS::Lambda::Function').filter(
      ([, f]) => f.Properties.Environment?.Variables?.QDN_RUNTIME,
    )) {
      expect(fn.Properties.Environment.Variables).toMatchObject({
        QDN_JWT_ISSUER: 'https://idp.example',
        QDN_JWKS_URL: 'https://idp.example/jwks.json',
        QDN_JWT_AUDIENCE: 'qdn-api',
        QDN_ROLE_CLAIM: 'qdn_role',
      });
    }
    expect(ofType(resources, 'AWS::Cognito::UserPool')).toHaveLength(1);
  });

  it('refuses to synthesize a token route made public', () => {
    const opened = {
      ...topology,
      routes: topology.routes.map((r) => (r.path === '/ops/status' ? { ...r, auth: 'public' as const } : r)),
    };
    expect(() => synthStack({ topology: opened })).toThrow(/GET \/ops\/status to require a token/);
  });

  it('throttles and logs the stage, and answers CORS for the dashboard origins', () => {
    const [[, stage]] = ofType(resources, 'AWS::ApiGatewayV2::Stage') as [[string, Resource]];
    expect(stage.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    expect(stage.Properties.AccessLogSettings.Format).toContain('$context.requestId');
    const [[, api]] = ofType(resources, 'AWS::ApiGatewayV2::Api') as [[string, Resource]];
    expect(api.Properties.CorsConfiguration.AllowOrigins).toEqual(
      topology.buckets.uploads.cors[0]?.allowedOrigins,
    );
  });
});

describe('site', () => {
  it('serves the private bucket through CloudFront with OAC, HTTPS only and security headers', () => {
    expect(ofType(resources, 'AWS::CloudFront::OriginAccessControl')).toHaveLength(1);
    const [[, cdn]] = ofType(resources, 'AWS::CloudFront::Distribution') as [[string, Resource]];
    const config = cdn.Properties.DistributionConfig;
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('https-only');
    for (const b of config.CacheBehaviors) expect(b.ViewerProtocolPolicy).toBe('https-only');
    expect(
      config.Origins.find((o: { S3OriginConfig?: unknown }) => o.S3OriginConfig).OriginAccessControlId,
    ).toBeDefined();
    const [[, headers]] = ofType(resources, 'AWS::CloudFront::ResponseHeadersPolicy') as [[string, Resource]];
    const security = headers.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = JSON.stringify(security.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(security.StrictTransportSecurity).toMatchObject({
      AccessControlMaxAgeSec: 31_536_000,
      Override: true,
    });
    expect(security.ContentTypeOptions).toEqual({ Override: true });
    // The pages, then the 404 page alone with the metadata the viewer-response function reads.
    const deployments = ofType(resources, 'Custom::CDKBucketDeployment');
    expect(deployments).toHaveLength(2);
    expect(deployments.map(([, d]) => d.Properties.UserMetadata ?? null)).toContainEqual({
      'qdn-status': '404',
    });
    // No CloudFront error pages: they would replace the API's own 403/404 answers with HTML.
    expect(config.CustomErrorResponses).toBeUndefined();
    expect(
      config.DefaultCacheBehavior.FunctionAssociations.map((f: { EventType: string }) => f.EventType).sort(),
    ).toEqual(['viewer-request', 'viewer-response']);
  });

  it('signs staff in with the authorization-code flow, PKCE, a public client returning to the site', () => {
    const [[, client]] = ofType(resources, 'AWS::Cognito::UserPoolClient') as [[string, Resource]];
    const p = client.Properties;
    expect(p.AllowedOAuthFlows).toEqual(['code']);
    expect(p.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect([...p.AllowedOAuthScopes].sort()).toEqual(['email', 'openid', 'profile']);
    expect(p.GenerateSecret).toBe(false);
    expect(p.SupportedIdentityProviders).toEqual(['COGNITO']);
    const [[cdnId]] = ofType(resources, 'AWS::CloudFront::Distribution') as [[string, Resource]];
    const site = (path: string) => ({
      'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [cdnId, 'DomainName'] }, path]],
    });
    expect(p.CallbackURLs).toEqual([site('/'), site('/ops')]);
    expect(p.LogoutURLs).toEqual([site('/'), site('/ops')]);
    const [[, domain]] = ofType(resources, 'AWS::Cognito::UserPoolDomain') as [[string, Resource]];
    expect(JSON.stringify(domain.Properties.Domain)).toContain('quickdumpnow-staff-');
    // The token exchange is a fetch to the hosted sign-in's origin: the CSP lets exactly it through.
    const [[, headers]] = ofType(resources, 'AWS::CloudFront::ResponseHeadersPolicy') as [[string, Resource]];
    const csp = JSON.stringify(headers.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig);
    expect(csp).toContain('.auth.');
    expect(csp).toContain('amazoncognito.com');
  });

  it('deploys /auth-config.json with the endpoints, client id and redirect URL, and serves it as a file', () => {
    const deployments = ofType(resources, 'Custom::CDKBucketDeployment');
    const pages = deployments.find(([, d]) => !d.Properties.UserMetadata) as [string, Resource];
    // Source.jsonData: a second source whose markers CloudFormation fills in at deploy time.
    expect(pages[1].Properties.SourceObjectKeys).toHaveLength(2);
    const markers = JSON.stringify(pages[1].Properties.SourceMarkers);
    const [[clientId]] = ofType(resources, 'AWS::Cognito::UserPoolClient') as [[string, Resource]];
    const [[poolId]] = ofType(resources, 'AWS::Cognito::UserPool') as [[string, Resource]];
    const [[cdnId]] = ofType(resources, 'AWS::CloudFront::Distribution') as [[string, Resource]];
    expect(markers).toContain(JSON.stringify({ Ref: clientId }));
    expect(markers).toContain(JSON.stringify({ Ref: poolId }));
    expect(markers).toContain(JSON.stringify({ 'Fn::GetAtt': [cdnId, 'DomainName'] }));
    const site = stack.node.findAll().find((c) => c.node.id === 'Site') as unknown as Site;
    const config = stack.resolve(authConfig(stack.identity?.hostedSignIn as HostedSignIn, site.url));
    expect(Object.keys(config).sort()).toEqual([
      'authorize_url',
      'client_id',
      'issuer',
      'logout_url',
      'redirect_uri',
      'role_claim',
      'token_url',
    ]);
    expect(config.client_id).toEqual({ Ref: clientId });
    expect(config.role_claim).toBe('custom:qdn_role');
    expect(JSON.stringify(config.token_url)).toContain('/oauth2/token');
    expect(JSON.stringify(config.authorize_url)).toContain('/oauth2/authorize');
    // The viewer-request function passes the file through instead of answering the 404 page.
    const [[, fn]] = ofType(resources, 'AWS::CloudFront::Function').filter(([, f]) =>
      String(f.Properties.FunctionCode).includes('/404.html'),
    ) as [[string, Resource]];
    expect(fn.Properties.FunctionCode).toContain("p !== '/auth-config.json'");
  });

  it('creates the site without a deployment when there is no web build', () => {
    const { resources: without } = synthStack({ webBuildDir: '/nonexistent/dist/web' });
    expect(ofType(without, 'Custom::CDKBucketDeployment')).toHaveLength(0);
    expect(ofType(without, 'AWS::CloudFront::Distribution')).toHaveLength(1);
  });
});

describe('alarms, dashboard and data', () => {
  it('raises an alarm to the SNS topic when any DLQ holds a message', () => {
    const alarms = ofType(resources, 'AWS::CloudWatch::Alarm');
    const [[topicId]] = ofType(resources, 'AWS::SNS::Topic') as [[string, Resource]];
    for (const q of queueIds) {
      const dlqId = idOf(stack.queues[q].dlq);
      const found = alarms.find(
        ([, a]) =>
          a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          a.Properties.Dimensions.some((d: { Value: unknown }) => refId(d.Value) === dlqId),
      );
      expect(found, q).toBeDefined();
      expect(found?.[1].Properties).toMatchObject({
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
      expect(found?.[1].Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    }
    for (const q of queueIds) {
      const age = alarms.find(
        ([, a]) =>
          a.Properties.MetricName === 'ApproximateAgeOfOldestMessage' &&
          a.Properties.Dimensions.some(
            (d: { Value: unknown }) => refId(d.Value) === idOf(stack.queues[q].queue),
          ),
      );
      expect(age, `${q} age alarm`).toBeDefined();
    }
    for (const name of stack.functions.keys()) {
      const errors = alarms.find(
        ([, a]) =>
          a.Properties.MetricName === 'Errors' &&
          a.Properties.Dimensions.some((d: { Value: unknown }) => refId(d.Value) === fnId(name)),
      );
      // The gate's refusals of bad tokens are Lambda errors by design; it has a throttle alarm only.
      expect(Boolean(errors), `${name} errors alarm`).toBe(name !== 'authorizer');
      const throttles = alarms.find(
        ([, a]) =>
          a.Properties.MetricName === 'Throttles' &&
          a.Properties.Dimensions.some((d: { Value: unknown }) => refId(d.Value) === fnId(name)),
      );
      expect(throttles, name).toBeDefined();
    }
    expect(
      alarms.some(
        ([, a]) => a.Properties.MetricName === '5xx' && a.Properties.Namespace === 'AWS/ApiGateway',
      ),
    ).toBe(true);
    expect(ofType(resources, 'AWS::CloudWatch::Dashboard')).toHaveLength(1);
    expect(ofType(resources, 'AWS::Logs::MetricFilter').length).toBeGreaterThanOrEqual(4);
  });

  it('builds the table from createTableInput: keys, every GSI, on-demand, PITR, TTL', () => {
    const input = createTableInput('any');
    const [[, table]] = ofType(resources, 'AWS::DynamoDB::GlobalTable') as [[string, Resource]];
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: input.KeySchema,
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    expect(table.Properties.Replicas[0].PointInTimeRecoverySpecification).toEqual({
      PointInTimeRecoveryEnabled: true,
    });
    expect(table.Properties.AttributeDefinitions).toEqual(expect.arrayContaining(input.AttributeDefinitions));
    expect(
      table.Properties.GlobalSecondaryIndexes.map((g: { IndexName: string; KeySchema: unknown }) => ({
        IndexName: g.IndexName,
        KeySchema: g.KeySchema,
      })),
    ).toEqual(input.GlobalSecondaryIndexes.map((g) => ({ IndexName: g.IndexName, KeySchema: g.KeySchema })));
  });

  it('gives ops every queue and DLQ under the names in infra/env-names.ts', () => {
    const env = (resources[fnId('ops')] as Resource).Properties.Environment.Variables;
    for (const q of queueIds) {
      const names = queueEnvNames[q];
      expect(refId(env[names.url])).toBe(idOf(stack.queues[q].queue));
      expect(refId(env[names.dlqUrl])).toBe(idOf(stack.queues[q].dlq));
    }
  });
});
