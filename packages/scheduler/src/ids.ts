/** A machine's id: the node id of the actor system it runs in. */
export type MachineId = string & { readonly __brand: 'MachineId' };
/** A job's id, unique per master: one `dmap` call is one job. */
export type JobId = string & { readonly __brand: 'JobId' };

/** Brands a string as a {@link MachineId}. */
export const machineId = (value: string): MachineId => value as MachineId;
/** Brands a string as a {@link JobId}. */
export const jobId = (value: string): JobId => value as JobId;
