/** How much of a client's own input an error message may quote back. */
export const MAX_ECHO_CHARS = 100;

/**
 * `text` cut to `max` characters with an ellipsis. An error that quotes a 200,000-character tool
 * name back costs the server that much output per request, on a stream the client may not be reading.
 */
export function clip(text: string, max: number = MAX_ECHO_CHARS): string {
  if (text.length <= max) return text;
  // Never split a surrogate pair: half an emoji is not valid UTF-16 and JSON encoders mangle it.
  const end = /[\uD800-\uDBFF]/.test(text[max - 1] ?? "") ? max - 1 : max;
  return `${text.slice(0, end)}… (${text.length} characters)`;
}
