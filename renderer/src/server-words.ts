/** The server's own words from a refusal, without our English lead-in (the reason beside them says
 * it in the window's language). */
export function serverWords(message: string): string {
  return message.replace(/^the server refused the login: /i, '').replace(/^no reason given$/i, '').trim();
}
