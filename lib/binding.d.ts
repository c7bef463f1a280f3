import type * as Binding from '../binding';
/** The native binding. Internal: the modules of `lib/` wrap it. */
export declare const native: typeof Binding;
