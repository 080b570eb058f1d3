import { Duration, Lazy, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** The staff token issuer the functions verify against. */
export interface StaffIssuer {
  issuer: string;
  jwksUrl: string;
  audience: string;
  roleClaim: string;
}

/** What the pages need to run the authorization-code flow with PKCE against the hosted sign-in. */
export interface HostedSignIn {
  issuer: string;
  /** `https://<prefix>.auth.<region>.amazoncognito.com`: the CSP's connect-src needs it for the token POST. */
  baseUrl: string;
  clientId: string;
  roleClaim: string;
}

/** The Cognito attribute holding a staff member's one role; only an administrator may set it. */
export const COGNITO_ROLE_ATTRIBUTE = 'qdn_role';

/**
 * Staff identity on AWS: a Cognito user pool (no self sign-up, strong passwords, optional TOTP)
 * with one app client whose ID tokens carry `aud` = the client id and the role as
 * `custom:qdn_role`. Users can read the role but never write it.
 */
export class StaffIdentity extends Construct {
  /** What the functions verify staff tokens against. */
  readonly issuer: StaffIssuer;
  /** The user pool, to create staff users in. */
  readonly userPool: cognito.UserPool;
  /** The app client the dashboard and the CLI sign in with. */
  readonly client: cognito.UserPoolClient;

  /** The hosted sign-in (Cognito domain) the pages send staff to. */
  readonly hostedSignIn: HostedSignIn;
  private readonly redirectUris: string[] = [];

  /** `domainPrefix`: the Cognito domain's prefix (unique in the region, no "aws"/"cognito"). */
  constructor(scope: Construct, id: string, props: { domainPrefix: string }) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'Staff', {
      selfSignUpEnabled: false,
      signInAliases: { email: true, username: true },
      passwordPolicy: {
        minLength: 12,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      customAttributes: { [COGNITO_ROLE_ATTRIBUTE]: new cognito.StringAttribute({ mutable: true }) },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const readable = new cognito.ClientAttributes()
      .withStandardAttributes({ email: true, emailVerified: true })
      .withCustomAttributes(COGNITO_ROLE_ATTRIBUTE);
    this.client = this.userPool.addClient('Dashboard', {
      authFlows: { userSrp: true, userPassword: true },
      // A browser cannot keep a secret: a public client, authorization code with PKCE only.
      generateSecret: false,
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        // Lazy: the site's URL is known only after the distribution exists, which is made later
        // (it proxies the API, whose functions need this client's id). No cycle: the client
        // refers to the distribution, the distribution to nothing of Cognito.
        callbackUrls: Lazy.list({ produce: () => this.requireRedirectUris() }),
        logoutUrls: Lazy.list({ produce: () => this.requireRedirectUris() }),
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(7),
      preventUserExistenceErrors: true,
      readAttributes: readable,
      // Without this a signed-in user could set their own role.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true }),
    });
    const domain = this.userPool.addDomain('Hosted', { cognitoDomain: { domainPrefix: props.domainPrefix } });
    const region = Stack.of(this).region;
    const issuer = `https://cognito-idp.${region}.amazonaws.com/${this.userPool.userPoolId}`;
    this.issuer = {
      issuer,
      jwksUrl: `${issuer}/.well-known/jwks.json`,
      audience: this.client.userPoolClientId,
      roleClaim: `custom:${COGNITO_ROLE_ATTRIBUTE}`,
    };
    this.hostedSignIn = {
      issuer,
      baseUrl: domain.baseUrl(),
      clientId: this.client.userPoolClientId,
      roleClaim: `custom:${COGNITO_ROLE_ATTRIBUTE}`,
    };
    Validations.of(this.userPool).acknowledge(
      {
        id: 'AwsSolutions-COG2',
        reason:
          'TOTP MFA is offered to every staff user but not forced: crews sign in on shared phones in the field. Admins enroll (README › Deploy).',
      },
      {
        id: 'AwsSolutions-COG8',
        reason:
          'The Plus plan (threat protection) is a per-user cost for a handful of staff accounts; there is no self sign-up, passwords are long and TOTP is offered.',
      },
    );
  }

  /** Lets the hosted sign-in send staff back to (and sign them out to) these page URLs. */
  allowRedirects(...urls: string[]): void {
    this.redirectUris.push(...urls);
  }

  private requireRedirectUris(): string[] {
    if (this.redirectUris.length === 0)
      throw new Error('StaffIdentity: no redirect URL; call allowRedirects(siteUrl)');
    return this.redirectUris;
  }
}
