import type { Viewer } from './layout';

/**
 * What the console lets a person change: admins everything, members what they own or what
 * nobody owns (shared), viewers nothing. The server side of the same rule is the viewer
 * refusal in guard.ts plus this check in each handler; swap for api/src/lib/ownership.ts when it lands.
 */
export const canChange = (viewer: Pick<Viewer, 'role' | 'userId'>, ownerId: string | null) =>
  viewer.role === 'admin' || (viewer.role === 'member' && (ownerId === null || ownerId === viewer.userId));
