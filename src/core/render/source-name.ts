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

/** A public source in a few words: `https://github.com/o/r/blob/<commit>/a/b.txt` -> `o/r b.txt @<commit:7>`. */
export function referenceName(reference: string): string {
  const m = /^https:\/\/github\.com\/([^/]+\/[^/]+)\/blob\/([0-9a-f]{7})[0-9a-f]*\/(?:.*\/)?([^/]+)$/.exec(reference);
  return m ? `${m[1]} ${m[3]} @${m[2]}` : reference;
}
