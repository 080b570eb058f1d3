/** The credentials every local endpoint (S3, the bus, the queues) accepts and the local functions use. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'qdnlocal', secretAccessKey: 'qdnlocalsecret' };
