/** The raw TCP link lives in the shared leaf base/ (node:net only): the backend accepts on it too. */
export * from '../../base/tcp-link.ts';
