/**
 * Which real services the test run may use. On a laptop without Postgres or Redis a
 * suite that needs one is skipped with a printed notice; under CI=true it is a failure.
 */
const ci = process.env.CI === 'true' || process.env.CI === '1';

export const services = {
  postgresUrl: process.env.TEST_DATABASE_URL,
  redisUrl: process.env.REDIS_URL,
};

export function haveService(name: 'postgres' | 'redis', suite: string): boolean {
  const url = name === 'postgres' ? services.postgresUrl : services.redisUrl;
  if (url) return true;
  const variable = name === 'postgres' ? 'TEST_DATABASE_URL' : 'REDIS_URL';
  if (ci) throw new Error(`${suite} needs ${name}: set ${variable} (CI never skips it)`);
  console.warn(`[skipped] ${suite}: ${variable} is not set, so the ${name} suite does not run here`);
  return false;
}
