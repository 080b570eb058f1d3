import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/**
 * Booking's secrets, created empty of real values: the operator puts the Stripe keys
 * (`{"secret_key","webhook_secret"}`) and the customer-token ES256 private JWK in after the first
 * deploy (README › Deploy). Functions get only their ARNs; the values never enter an environment.
 */
export class BookingSecrets extends Construct {
  /** `{"secret_key": "sk_…", "webhook_secret": "whsec_…"}`. */
  readonly stripe: secretsmanager.Secret;
  /** The ES256 private JWK customer tokens are signed with. */
  readonly customerTokenKey: secretsmanager.Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.stripe = new secretsmanager.Secret(this, 'Stripe', {
      description: 'QuickDumpNow Stripe keys: {"secret_key","webhook_secret"} (set after deploy)',
      // A placeholder shape so a read before the operator sets it fails the parse, not silently.
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ secret_key: '', webhook_secret: '' }),
        generateStringKey: 'unset',
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.customerTokenKey = new secretsmanager.Secret(this, 'CustomerTokenKey', {
      description: 'QuickDumpNow customer-token ES256 private JWK (set after deploy)',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.stripe).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Stripe keys are rolled in the Stripe dashboard, then put here; Secrets Manager cannot rotate them.',
    });
    Validations.of(this.customerTokenKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotating the signing key needs the old public key kept in the JWKS until issued tokens expire: a manual, documented procedure, not a rotation Lambda.',
    });
  }
}
