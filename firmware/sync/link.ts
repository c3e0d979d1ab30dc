/** The Link contract lives in the shared leaf base/: the backend serves terminals on the same links. */
export * from '../../base/link.ts';
