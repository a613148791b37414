/**
 * Hash routing (#/screen/arg1/arg2) so a reload returns to the same screen, record and study
 * item — in Electron (file://) as well as in the browser.
 */
export const SCREENS = [
  'library',
  'viewer',
  'train',
  'study',
  'review',
  'report',
  'models',
] as const;
export type Screen = (typeof SCREENS)[number];

function parse(): { screen: Screen; args: string[] } {
  const parts = location.hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter(Boolean)
    .map(decodeURIComponent);
  const screen = (SCREENS as readonly string[]).includes(parts[0])
    ? (parts[0] as Screen)
    : 'library';
  return { screen, args: parts.slice(1) };
}

export const route = $state(parse());

window.addEventListener('hashchange', () => Object.assign(route, parse()));

export function go(screen: Screen, ...args: Array<string | number>): void {
  location.hash = `#/${[screen, ...args.map((a) => encodeURIComponent(String(a)))].join('/')}`;
}
