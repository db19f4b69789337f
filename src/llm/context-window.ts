/**
 * Context windows (tokens) of well-known models; anything else uses PARLEY_DEFAULT_CONTEXT_WINDOW.
 * Matching is by prefix of the model name, longest first.
 */
const KNOWN = (
  [
  ['openai/gpt-3.5-turbo', 16_385],
  ['openai/gpt-4-turbo', 128_000],
  ['openai/gpt-4o', 128_000],
  ['openai/gpt-4.1', 1_000_000],
  ['openai/gpt-4', 8_192],
  ['openai/gpt-5', 400_000],
  ['openai/o1', 200_000],
  ['openai/o3', 200_000],
  ['openai/o4', 200_000],
  ['anthropic/claude', 200_000],
  ['builtin/', 8_192],
  ] as Array<[string, number]>
).sort((a, b) => b[0].length - a[0].length);

export function contextWindowOf(modelRef: string, fallback: number): number {
  return KNOWN.find(([prefix]) => modelRef.startsWith(prefix))?.[1] ?? fallback;
}
