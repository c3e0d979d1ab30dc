/** The card-session contract is the reader drivers' (drivers/card/session.ts); the card application imports it here. */
export * from '../../drivers/card/session.ts';
