/** The URL query that carries a user module's version from the worker to the module hooks. */
export const VERSION_PARAM = 'tessera-version';
