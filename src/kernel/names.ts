// The kernels' names, as kernelspecs are installed and as a saved .ipynb asks for them.

export const KERNEL_NAME = 'tenant-shell';
export const EMULATOR_KERNEL_NAME = 'tenant-shell-emulator';

/** The kernelspec a notebook names: the emulator's kernel, or the one that logs in for real. */
export function kernelspecOf(emulator: boolean) {
  return emulator
    ? {
        name: EMULATOR_KERNEL_NAME,
        display_name: 'tenant-shell (emulator)',
        language: 'typescript',
      }
    : { name: KERNEL_NAME, display_name: 'tenant-shell', language: 'typescript' };
}
