// Short names of capability sources for places with little room (status bar, hovers): a snapshot by its file name.

/** `snapshot:/home/me/boxes/build-box.vmcs.json` -> `build-box.vmcs.json`; other source ids as they are. */
export function sourceName(sourceId: string): string {
  if (!sourceId.startsWith('snapshot:')) return sourceId;
  const path = sourceId.slice('snapshot:'.length);
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1) || path;
}

/** The status bar's text: the short name, and the kind of source when the name does not say it. */
export function sourceStatus(sourceId: string): string {
  return sourceId.startsWith('snapshot:') ? `${sourceName(sourceId)} (snapshot)` : sourceId;
}
