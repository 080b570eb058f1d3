import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { QuoteAccess } from '../auth/access.ts';

/** Reads the ownership of quotes (the booking function writes them). */
export class QuoteRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** The quote's owner, or null when there is no such quote. */
  async getAccess(quoteId: string): Promise<QuoteAccess | null> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { pk: `QUOTE#${quoteId}`, sk: 'QUOTE' } }),
    );
    if (!out.Item) return null;
    return { quoteId, customerId: String(out.Item.customerId) };
  }
}
