// Placeholder until the erasure integration lands.
export const handler = async (): Promise<{ batchItemFailures: [] }> => ({ batchItemFailures: [] });
