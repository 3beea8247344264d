// Placeholder until the loyalty integration lands.
export const handler = async (): Promise<{ batchItemFailures: [] }> => ({ batchItemFailures: [] });
