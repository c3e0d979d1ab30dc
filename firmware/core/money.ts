/** Money text (cents to and from "12.50") lives in the shared leaf base/: the backend's admin uses it too. */
export * from '../../base/money.ts';
