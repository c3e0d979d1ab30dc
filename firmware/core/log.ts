/** The logger lives in the shared leaf base/ (drivers and the backend log too); firmware keeps this path. */
export * from '../../base/log.ts';
