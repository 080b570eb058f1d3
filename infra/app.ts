import { createApp } from './create-app.ts';

/**
 * The CDK app. `npm run synth` runs it directly (no CLI, no network) and writes `cdk.out/`;
 * `npx cdk deploy` runs it through `cdk.json`, and the CLI sets the output folder itself.
 */
const { app } = createApp(process.env.CDK_OUTDIR ? {} : { outdir: 'cdk.out' });
const assembly = app.synth();
// Without the CLI nobody prints the construct warnings (e.g. no web build): say them here.
if (!process.env.CDK_OUTDIR) {
  for (const stack of assembly.stacks) {
    for (const m of stack.messages) {
      if (m.level !== 'info') console.warn(`[${m.level}] ${m.id}: ${String(m.entry.data)}`);
    }
    console.log(`${stack.stackName}: ${stack.templateFullPath}`);
  }
}
