/** Building blocks shared by the group schemas. */
export const positiveInt = { type: 'integer', minimum: 1 } as const;
/** A number in [0, 1): dropout rates, split fractions, Adam betas. */
export const unitInterval = { type: 'number', minimum: 0, exclusiveMaximum: 1 } as const;
