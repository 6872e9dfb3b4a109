export * from './identity';
export * from './crm';
export * from './campaigns';
export * from './mail';
export * from './queue';
