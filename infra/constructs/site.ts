import { existsSync } from 'node:fs';
import { Annotations, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { RouteSpec } from '../../lib/topology/types.ts';
import {
  AUTH_CONFIG_PATH,
  NOT_FOUND_METADATA,
  PAGE_REQUEST_FUNCTION,
  PAGE_RESPONSE_FUNCTION,
} from './page-functions.ts';
import type { HostedSignIn } from './staff-identity.ts';

/** What the site is built from. */
export interface SiteProps {
  /** Absolute path of the web build (Vite's outDir). */
  buildDir: string;
  /** `host` of the HTTP API (`<id>.execute-api.<region>.amazonaws.com`), proxied for the API paths. */
  apiDomain: string;
  /** API routes: their paths become behaviours to the API, so pages call it on their own origin. */
  routes: RouteSpec[];
  /** `https://<bucket>.s3.<region>.amazonaws.com`: uploads go there, thumbnails come from there. */
  uploadsOrigin: string;
  logBucket: s3.IBucket;
  domainName?: string;
  certificateArn?: string;
  /** The stack's Cognito hosted sign-in; published to the pages as `/auth-config.json`. */
  signIn?: HostedSignIn;
}

/**
 * The pages: a private bucket behind CloudFront with origin access control, HTTPS only, security
 * headers (CSP, HSTS, nosniff, frame-ancestors), page paths mapped to their files as the local
 * runtime maps them, the 404 page for anything else, and the API's paths proxied to the API.
 */
export class Site extends Construct {
  /** The distribution. */
  readonly distribution: cloudfront.Distribution;
  /** The private bucket holding the build. */
  readonly bucket: s3.Bucket;
  /** `https://…` of the site. */
  readonly url: string;
  /** The page URLs the hosted sign-in may return to: the site root (where sign-in starts) and /ops. */
  readonly signInRedirects: string[];

  constructor(scope: Construct, id: string, props: SiteProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Pages', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.logBucket,
      serverAccessLogsPrefix: 'site/',
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    // CloudFront's standard logs are written with ACLs, which the access-log bucket disables.
    const cdnLogs = new s3.Bucket(this, 'CdnLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(cdnLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket only receives CloudFront logs; logging access to the log bucket would loop.',
    });

    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'QuickDumpNow security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy(props.uploadsOrigin, props.signIn?.baseUrl),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.SAME_ORIGIN, override: true },
      },
    });
    const pagePaths = new cloudfront.Function(this, 'PagePaths', {
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'Maps page paths to their files, as local/http/static-files.ts does',
      code: cloudfront.FunctionCode.fromInline(PAGE_REQUEST_FUNCTION),
    });
    const pageStatus = new cloudfront.Function(this, 'PageStatus', {
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'Gives the 404 page its 404 status',
      code: cloudfront.FunctionCode.fromInline(PAGE_RESPONSE_FUNCTION),
    });

    const api = new origins.HttpOrigin(props.apiDomain, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
    });
    const apiBehavior: cloudfront.BehaviorOptions = {
      origin: api,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: headers,
    };
    const custom = props.domainName && props.certificateArn;
    this.distribution = new cloudfront.Distribution(this, 'Cdn', {
      comment: 'QuickDumpNow pages and API',
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: cdnLogs,
      logFilePrefix: 'cdn/',
      ...(custom
        ? {
            domainNames: [props.domainName as string],
            certificate: acm.Certificate.fromCertificateArn(
              this,
              'Certificate',
              props.certificateArn as string,
            ),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        functionAssociations: [
          { function: pagePaths, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
          { function: pageStatus, eventType: cloudfront.FunctionEventType.VIEWER_RESPONSE },
        ],
      },
      additionalBehaviors: Object.fromEntries(apiPathPatterns(props.routes).map((p) => [p, apiBehavior])),
    });
    this.url = `https://${custom ? props.domainName : this.distribution.distributionDomainName}`;
    this.signInRedirects = [`${this.url}/`, `${this.url}/ops`];
    this.acknowledge(Boolean(custom));

    if (existsSync(props.buildDir)) {
      // The 404 page goes up on its own, marked, so the viewer-response function can find it;
      // the pages' deployment leaves it alone when it prunes.
      const pages = new s3deploy.BucketDeployment(this, 'Deploy', {
        sources: [
          s3deploy.Source.asset(props.buildDir),
          // Written with the deploy-time ids filled in, so the build stays the same for every stack.
          ...(props.signIn
            ? [s3deploy.Source.jsonData(AUTH_CONFIG_PATH.slice(1), authConfig(props.signIn, this.url))]
            : []),
        ],
        exclude: ['404.html'],
        destinationBucket: this.bucket,
        distribution: this.distribution,
        distributionPaths: ['/*'],
        memoryLimit: 512,
      });
      const notFound = new s3deploy.BucketDeployment(this, 'DeployNotFound', {
        sources: [s3deploy.Source.asset(props.buildDir)],
        exclude: ['*'],
        include: ['404.html'],
        prune: false,
        metadata: { [NOT_FOUND_METADATA]: '404' },
        destinationBucket: this.bucket,
        distribution: this.distribution,
        distributionPaths: ['/404.html'],
        memoryLimit: 512,
      });
      notFound.node.addDependency(pages);
      acknowledgeDeploymentHandler(Stack.of(this), this.bucket);
    } else {
      Annotations.of(this).addWarningV2(
        'qdn:site:no-web-build',
        `No web build at ${props.buildDir}: the site bucket is created empty. Build the pages, then synth/deploy again.`,
      );
    }
  }

  private acknowledge(customDomain: boolean): void {
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'Customers and crews are wherever the jobs are; there is no country to block.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'No WAF: the API behind it is throttled at the stage and gated per route; a web ACL for CloudFront lives in us-east-1 and is left to the account owner.',
      },
    );
    if (!customDomain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a custom domain the default *.cloudfront.net certificate is used, whose minimum protocol CloudFront fixes; set domainName and certificateArn for TLSv1.2_2021.',
      });
    }
  }
}

/** CloudFront path patterns that go to the API: one per first path segment of the routes. */
export function apiPathPatterns(routes: RouteSpec[]): string[] {
  const patterns = new Set<string>();
  for (const r of routes) {
    const segments = r.path.split('/').filter(Boolean);
    patterns.add(segments.length === 1 ? `/${segments[0]}` : `/${segments[0]}/*`);
  }
  patterns.add('/.well-known/*');
  return [...patterns].sort();
}

/**
 * What the pages read from `/auth-config.json` to sign staff in: the hosted sign-in's endpoints,
 * the public client's id and the page URL Cognito sends the code back to.
 */
export function authConfig(signIn: HostedSignIn, siteUrl: string): Record<string, string> {
  return {
    issuer: signIn.issuer,
    authorize_url: `${signIn.baseUrl}/oauth2/authorize`,
    token_url: `${signIn.baseUrl}/oauth2/token`,
    logout_url: `${signIn.baseUrl}/logout`,
    client_id: signIn.clientId,
    redirect_uri: `${siteUrl}/`,
    role_claim: signIn.roleClaim,
  };
}

/**
 * The pages' CSP: only this origin, plus the uploads bucket for POSTed photos and thumbnails and
 * the hosted sign-in's origin for the token exchange (a fetch; the authorize step is a navigation).
 */
export function contentSecurityPolicy(uploadsOrigin: string, signInOrigin?: string): string {
  return [
    "default-src 'self'",
    `img-src 'self' blob: data: ${uploadsOrigin}`,
    `connect-src 'self' ${uploadsOrigin}${signInOrigin ? ` ${signInOrigin}` : ''}`,
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

/** BucketDeployment's singleton function, which CDK provides and configures. */
function acknowledgeDeploymentHandler(stack: Stack, bucket: s3.Bucket): void {
  const handler = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (!handler) return;
  const bucketId = stack.resolve((bucket.node.defaultChild as s3.CfnBucket).logicalId);
  const copy =
    'CDK-provided deployment function: BucketDeployment grants it these to copy the build from the asset bucket into the site bucket and prune old files';
  const wildcards = [
    'Action::s3:GetBucket*',
    'Action::s3:GetObject*',
    'Action::s3:List*',
    'Action::s3:Abort*',
    'Action::s3:DeleteObject*',
    `Resource::<${bucketId}.Arn>/*`,
    'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
    'Resource::*',
  ];
  Validations.of(handler).acknowledge(
    ...wildcards.map((w) => ({ id: `AwsSolutions-IAM5[${w}]`, reason: `${copy} (${w}).` })),
  );
  Validations.of(handler).acknowledge(
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'CDK-provided deployment function: the managed policy only lets it write its own logs.',
    },
    {
      id: 'AwsSolutions-L1',
      reason:
        'CDK-provided deployment function (Python, with the AWS CLI layer); its runtime is chosen by aws-cdk-lib.',
    },
  );
}
