import picomatch from 'picomatch';

/**
 * The crawler's notion of "the same page": fragment dropped, default port stripped (WHATWG URL does
 * that), an empty query (`/a?`) dropped, any other query kept verbatim. Paths are not otherwise
 * rewritten: `/a` and `/a/` stay distinct, because servers may answer them differently.
 */
export function normaliseUrl(input: string | URL, base?: string | URL): string | undefined {
  let url: URL;
  try {
    url = new URL(input, base);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  url.hash = '';
  if (url.search === '') url.search = '';
  return url.href;
}

// Links to these are never fetched: they are not web pages, and their bytes would be wasted.
const BINARY_EXTENSIONS = new Set(
  (
    'pdf zip gz tgz bz2 xz rar 7z tar png jpg jpeg gif webp avif svg ico bmp tif tiff heic mp3 mp4 m4a m4v ' +
    'wav ogg oga webm avi mov mkv flac woff woff2 ttf otf eot css js mjs map json xml rss atom csv txt ' +
    'exe msi dmg pkg deb rpm apk iso bin img doc docx xls xlsx ppt pptx odt ods odp epub'
  ).split(' '),
);

export function hasBinaryExtension(url: string): boolean {
  const path = new URL(url).pathname;
  const dot = path.lastIndexOf('.');
  if (dot < 0 || dot < path.lastIndexOf('/')) return false;
  return BINARY_EXTENSIONS.has(path.slice(dot + 1).toLowerCase());
}

export type PathFilter = (url: string) => boolean;

/**
 * Include/exclude globs (picomatch) tested against the URL path, never the query. A pattern names an
 * area: it matches the paths it globs and everything below them, and a trailing `/*` covers the folder
 * itself, so `/docs/*` admits /docs, /docs/, /docs/a and /docs/a/b, and `/admin/*` excludes the whole
 * admin area. No include pattern means everything is included; exclude always wins.
 */
export function createPathFilter(include: string[] = [], exclude: string[] = []): PathFilter {
  const includes = compile(include);
  const excludes = compile(exclude);
  return (url) => {
    const paths = pathVariants(url);
    const hit = (matchers: Array<(p: string) => boolean>) => matchers.some((m) => paths.some((p) => m(p)));
    if (hit(excludes)) return false;
    return includes.length === 0 || hit(includes);
  };
}

function compile(patterns: string[]): Array<(path: string) => boolean> {
  return patterns
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .flatMap((p) => {
      const rooted = p.startsWith('/') || p.startsWith('*') ? p : `/${p}`;
      const area = rooted.endsWith('/*') ? `${rooted.slice(0, -2)}/**` : `${rooted.replace(/\/+$/, '')}/**`;
      return [picomatch(rooted, { dot: true }), picomatch(area, { dot: true })];
    });
}

/** The raw path and, when it differs, its percent-decoded form, so `/caf%C3%A9/*` and `/café/*` both work. */
function pathVariants(url: string): string[] {
  const raw = new URL(url).pathname;
  try {
    const decoded = decodeURIComponent(raw);
    return decoded === raw ? [raw] : [raw, decoded];
  } catch {
    return [raw];
  }
}
