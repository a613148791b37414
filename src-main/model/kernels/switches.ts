/**
 * Switches for the speed kernels, so that the bench can time each against what it replaced in
 * one process (`BEATLENS_KERNELS_OFF=bn-relu,concat-upsample,…`, read at every call) and a test
 * can check a kernel against the plain-op path it replaced.
 */
export const KERNEL_SWITCHES = ['bn-relu', 'concat-upsample'] as const;
export type KernelSwitch = (typeof KERNEL_SWITCHES)[number];

/** Whether `name` is on: everything is on unless listed in BEATLENS_KERNELS_OFF. */
export function kernelOn(name: KernelSwitch): boolean {
  const off = typeof process === 'undefined' ? undefined : process.env.BEATLENS_KERNELS_OFF;
  return off == null || off === '' || !off.split(',').includes(name);
}
