/** Partition key of a job and everything that belongs to it (its photos). */
export const jobPk = (jobId: string) => `JOB#${jobId}`;

/** Sort key of the job item itself. */
export const JOB_SK = 'JOB';

/** Sort key of a photo under its job; ULIDs sort by time, so photos list in upload order. */
export const photoSk = (photoId: string) => `PHOTO#${photoId}`;

/** Prefix shared by every photo sort key. */
export const PHOTO_SK_PREFIX = 'PHOTO#';

/** Partition key of the customer index. */
export const customerPk = (customerId: string) => `CUSTOMER#${customerId}`;

/** Partition of the status index that lists every job, newest first (a job is not a photo status). */
export const ALL_JOBS_PK = 'JOBS#ALL';

/** Partition key, in the customer index, of a crew member's assignments. */
export const crewPk = (crewId: string) => `CREW#${crewId}`;

/** Sort key of a crew assignment under its job. */
export const crewAssignmentSk = (crewId: string) => `CREW#${crewId}`;
