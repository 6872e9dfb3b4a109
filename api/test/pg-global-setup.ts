import type { TestProject } from 'vitest/node';
import postgres from 'postgres';
import { openDb } from '../../db/client';

declare module 'vitest' {
  export interface ProvidedContext {
    pgTemplate: string;
  }
}

/**
 * For the real-Postgres project: migrate one template database, then each test file
 * clones it (CREATE DATABASE … TEMPLATE), so files run in parallel on clean databases.
 */
export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    if (process.env.CI === 'true') throw new Error('TEST_DATABASE_URL is required under CI');
    project.provide('pgTemplate', '');
    return;
  }
  const template = `lumina_tpl_${process.pid}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${template}`);
  await admin.unsafe(`create database ${template}`);
  const handle = await openDb({ databaseUrl: withDatabase(url, template), max: 1 });
  await handle.close();
  project.provide('pgTemplate', template);
  return async () => {
    const leftovers = await admin<{ datname: string }[]>`select datname from pg_database where datname like ${`lumina_t_${process.pid}_%`} or datname = ${template}`;
    for (const { datname } of leftovers) await admin.unsafe(`drop database if exists ${datname} with (force)`);
    await admin.end();
  };
}

export function withDatabase(url: string, database: string) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
