import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { useLocalDynamo } from '../../test/helpers/local-dynamo.ts';
import { JobRepository } from './jobs.ts';
import { JOB_SK, jobPk } from './keys.ts';

const local = useLocalDynamo('jobs');

describe('JobRepository.takePhotoSlot', () => {
  it('grants exactly the ceiling to concurrent takes from two instances, batched or not', async () => {
    await local.db().send(new PutCommand({ TableName: 'jobs', Item: { pk: jobPk('job-x'), sk: JOB_SK } }));
    const a = new JobRepository(local.db(), 'jobs');
    const b = new JobRepository(local.db(), 'jobs');
    const taken = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).takePhotoSlot('job-x', 25)),
    );
    expect(taken.filter(Boolean)).toHaveLength(25);
    expect(await a.takePhotoSlot('job-x', 25)).toBe(false);
    // A higher ceiling for the same job lets more through, one write at a time or together.
    expect(
      (await Promise.all([a.takePhotoSlot('job-x', 27), a.takePhotoSlot('job-x', 27)])).every(Boolean),
    ).toBe(true);
  });

  it('takes no slot of a job that does not exist', async () => {
    const repo = new JobRepository(local.db(), 'jobs');
    expect(await Promise.all([repo.takePhotoSlot('nope', 5), repo.takePhotoSlot('nope', 5)])).toEqual([
      false,
      false,
    ]);
  });
});
