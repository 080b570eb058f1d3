import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';
import { topology } from '../lib/topology/topology.ts';

/** The folder the web build writes (Vite's outDir); one constant so a change of it is one edit. */
export const WEB_BUILD_DIR = 'dist/web';

const optionalText = z.string().min(1).optional();

// CloudWatch Logs accepts only these retention periods.
const RETENTION_DAYS = Object.values(RetentionDays).filter(
  (d): d is number => typeof d === 'number' && d > 0,
);

/**
 * Deployment settings read from CDK context (`cdk.json` or `-c key=value`), each with a default so
 * `npm run synth` works with no context at all. Names, domains and identity live here, not in code.
 */
export const settingsSchema = z
  .object({
    stackName: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/)
      .default('QuickDumpNow'),
    account: optionalText,
    region: optionalText,
    /** Uploads bucket name; default `qdn-uploads-<account>-<region>` (known before the bucket exists). */
    uploadsBucketName: optionalText,
    /** Origins allowed to call the API and POST to the bucket; default the topology's dashboard origins. */
    dashboardOrigins: z
      .array(z.url())
      .default(topology.buckets.uploads.cors.flatMap((r) => r.allowedOrigins)),
    /** Staff OIDC issuer and JWKS; when both are absent the stack creates a Cognito user pool. */
    staffIssuer: optionalText,
    staffJwksUrl: z.url().optional(),
    /** Audience of staff tokens; with Cognito it is the app client id (ID tokens carry it as `aud`). */
    staffAudience: optionalText,
    /** Prefix of the Cognito domain staff sign in at; default `<stack name>-staff-<account>`. */
    staffDomainPrefix: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/)
      .refine((p) => !/aws|amazon|cognito/.test(p), { message: 'may not contain aws, amazon or cognito' })
      .optional(),
    /** The claim that carries the role; Cognito puts custom attributes under `custom:`. */
    roleClaim: optionalText,
    /** Issuer of the customer tokens booking signs; default the API's URL + `/customer`. */
    customerTokenIssuer: optionalText,
    /** Optional custom domain of the site and its ACM certificate (us-east-1) for CloudFront. */
    siteDomainName: optionalText,
    siteCertificateArn: optionalText,
    /** Originals move to Infrequent Access after this many days. */
    originalsInfrequentAccessDays: z.coerce.number().int().min(30).default(30),
    /** Rejected originals under `quarantine/` are deleted after this many days. */
    quarantineExpireDays: z.coerce.number().int().min(1).default(30),
    /** Log retention of functions and API access logs. */
    logRetentionDays: z.coerce
      .number()
      .refine((d) => RETENTION_DAYS.includes(d), { message: `expected one of ${RETENTION_DAYS.join(', ')}` })
      .default(30),
    /** Steady-state requests per second and burst for the whole API. */
    apiRateLimit: z.coerce.number().positive().default(50),
    apiBurstLimit: z.coerce.number().int().positive().default(100),
    /** Optional e-mail subscribed to the alarm topic. */
    alarmEmail: z.email().optional(),
    /** Age of the oldest message (seconds) that raises an alarm on a source queue. */
    oldestMessageAlarmSeconds: z.coerce.number().int().positive().default(900),
  })
  .superRefine((s, ctx) => {
    if (Boolean(s.staffIssuer) !== Boolean(s.staffJwksUrl)) {
      ctx.addIssue({
        code: 'custom',
        path: ['staffIssuer'],
        message: 'set staffIssuer and staffJwksUrl together (or neither, for a Cognito user pool)',
      });
    }
    if (s.staffIssuer && !s.staffAudience) {
      ctx.addIssue({ code: 'custom', path: ['staffAudience'], message: 'required with staffIssuer' });
    }
  });

/** The parsed deployment settings. */
export type Settings = z.infer<typeof settingsSchema>;

const CONTEXT_KEYS = Object.keys(settingsSchema.shape) as Array<keyof Settings>;

/**
 * Reads the settings from a context lookup (`app.node.tryGetContext`); list values may come as
 * JSON or comma-separated text from `-c`. Throws naming every bad key.
 */
export function readSettings(get: (key: string) => unknown): Settings {
  const raw: Record<string, unknown> = {};
  for (const key of CONTEXT_KEYS) {
    const value = get(key);
    if (value === undefined || value === '') continue;
    raw[key] = key === 'dashboardOrigins' && typeof value === 'string' ? splitList(value) : value;
  }
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.') || '(context)'}: ${i.message}`);
    throw new Error(`Invalid CDK context:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

function splitList(value: string): string[] {
  const text = value.trim();
  if (text.startsWith('[')) return JSON.parse(text) as string[];
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
