/**
 * The one rule for a file name that comes from data rather than from the person at the keyboard
 * (a WFDB header's signal file, the name of an uploaded file): it must name a file in the folder
 * it is read from or written to. Without it a header in `rec/` that names `../secret.bin` reads
 * that file as samples, and they come back byte-exact through the viewer.
 */

/** Why `name` is not a plain file name, or null when it is one. */
export function unsafeFileNameReason(name: string): string | null {
  if (name === '') return 'it is empty';
  if (name.includes('..')) return "it contains '..'";
  if (/[/\\]/.test(name)) return 'it contains a path separator';
  if (name.includes(':')) return "it contains ':' (a drive or stream name)";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'it contains a control character';
  return null;
}
