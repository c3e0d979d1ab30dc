/** Durable file writes live in the shared leaf base/ (the backend writes its files the same way). */
export * from '../../base/durable-file.ts';
