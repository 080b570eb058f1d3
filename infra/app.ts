import { createApp } from './create-app.ts';

/**
 * The CDK app. `npm run synth` runs it directly (no CLI, no network) and writes `cdk.out/`;
 * `npx cdk deploy` runs it through `cdk.json`, and the CLI sets the output folder itself.
 */
const { app } = createApp(process.env.CDK_OUTDIR ? {} : { outdir: 'cdk.out' });
app.synth();
