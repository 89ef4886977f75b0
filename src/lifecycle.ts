// Work that must happen synchronously when the process is told to end (SIGTERM, SIGHUP): the
// shell's signal handler runs these, and parts that hold state on disk register here without
// depending on the shell.
const hooks = new Set<() => void>();

/** Registers a synchronous clean-up; the returned function unregisters it. */
export function onTerminate(hook: () => void): () => void {
  hooks.add(hook);
  return () => hooks.delete(hook);
}

/** Runs every hook; one failing must not stop the others, since the process is leaving anyway. */
export function runTerminateHooks(): void {
  for (const hook of hooks) {
    try {
      hook();
    } catch {
      // as above
    }
  }
}
