// A refusal's message is our lead-in and the server's own words ("the server refused the login:
// [AUTHENTICATIONFAILED] Authentication failed."). Where the failure's class is already said in the
// reader's language (the window, the CLI's reason), only the server's words are shown beside it.
// No imports: the window's bundle uses it too.

/** The server's own words from a failure message, without our English lead-in; '' when it gave none. */
export function serverWords(message: string): string {
  return message.replace(/^the server refused the login:? ?/i, '').replace(/^no reason given$/i, '').trim();
}
