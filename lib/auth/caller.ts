/** The roles a caller may hold; a token carries exactly one. */
export const ROLES = ['admin', 'crew', 'customer'] as const;

/** One of {@link ROLES}. */
export type Role = (typeof ROLES)[number];

/** A verified caller: who they are and their one role. */
export interface Caller {
  sub: string;
  role: Role;
}
