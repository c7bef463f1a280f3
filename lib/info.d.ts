import type { CpuQuota, Filesystem, Kernel, Limit } from '../binding';
export type { CpuQuota, Filesystem, Kernel, Limit };
/** What {@link info} reports. */
export interface SysixInfo {
    /** This package. */
    sysix: {
        version: string;
    };
    /** The JavaScript runtime sysix is loaded in. */
    runtime: {
        name: 'node' | 'bun' | 'deno';
        version: string;
        /** The Node-API version the runtime implements. */
        napi: number | null;
    };
    /** The running kernel, as `uname` shows it. */
    kernel: Kernel;
    /** CPU counts, and what they come from. */
    cpu: {
        /** {@link cpuCount}: CPUs this process may use. */
        count: number;
        /** {@link physicalCpuCount}. */
        physical: number;
        /** {@link cpuAffinity}. */
        affinity: number[];
        /** {@link cpuQuota}. */
        quota: CpuQuota | null;
        /** `os.cpus().length`: every CPU of the machine. */
        nodeCpus: number;
        /** `os.availableParallelism()`. */
        nodeAvailableParallelism: number;
    };
    /** `RLIMIT_NOFILE`: how many descriptors this process may have open. */
    openFiles: Limit;
    /** Pipe buffer sizes in bytes. */
    pipe: {
        /** The capacity of a new pipe. */
        defaultCapacity: number | null;
        /** `/proc/sys/fs/pipe-max-size`: the most an unprivileged process may set. */
        maxCapacity: number | null;
    };
    /** The filesystem of the current directory, or `null` if it cannot be read (deleted, say). */
    cwd: Filesystem | null;
}
/**
 * Everything sysix sees of this machine and process: CPU counts and what
 * limits them, descriptor limits, pipe sizes, the kernel, and what the
 * filesystem of the current directory records. `npx sysix info` prints it.
 */
export declare function info(): SysixInfo;
