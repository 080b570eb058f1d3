import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** The staff token issuer the functions verify against. */
export interface StaffIssuer {
  issuer: string;
  jwksUrl: string;
  audience: string;
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

  constructor(scope: Construct, id: string) {
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
      generateSecret: false,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(7),
      preventUserExistenceErrors: true,
      readAttributes: readable,
      // Without this a signed-in user could set their own role.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true }),
    });
    const region = Stack.of(this).region;
    const issuer = `https://cognito-idp.${region}.amazonaws.com/${this.userPool.userPoolId}`;
    this.issuer = {
      issuer,
      jwksUrl: `${issuer}/.well-known/jwks.json`,
      audience: this.client.userPoolClientId,
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
}
