import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { CounterRepository } from './counters.ts';

/** One refused later write to an accepted photo's upload key: which object, and where it went. */
export interface RefusedReplacement {
  jobId: string;
  photoId: string;
  /** The refused object's S3 sequencer (one item per object version). */
  sequencer: string;
  key: string;
  etag: string | null;
  setAsideAs: string | null;
  refusedAt: string;
}

/**
 * The log of refused replacements, kept apart from the photo record (which they never touch):
 * one item per refused object, then the `photos.replaced_refused` counter, so a duplicate
 * delivery of the same event counts nothing twice. (dynalite has no TransactWriteItems, so the
 * two are separate writes: a crash between them leaves the refusal logged and uncounted.)
 */
export class RefusedReplacements {
  readonly #counters: CounterRepository;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {
    this.#counters = new CounterRepository(db, table);
  }

  /** Records and counts a refusal; false when this object was already recorded (a duplicate). */
  async record(refusal: RefusedReplacement): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: `REFUSED#${refusal.jobId}#${refusal.photoId}`,
            sk: `SEQ#${refusal.sequencer}`,
            type: 'refused_replacement',
            ...refusal,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
    await this.#counters.add({ 'photos.replaced_refused': 1 });
    return true;
  }
}
