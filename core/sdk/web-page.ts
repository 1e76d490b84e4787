/** The start of an HTML document: a doctype, or an html, head or body tag. */
const WEB_PAGE = /^\s*(?:<!doctype html|<html|<head|<body)\b/i;

/**
 * Whether an answer's body is a web page: in a 2xx it is a proxy's, a captive portal's or a
 * wrong redirect's page rather than the vendor's API answer, and the events were not taken —
 * worth a retry, not a "delivered".
 *
 * @example
 * isWebPage('<!DOCTYPE html><html><body>Sign in to the Wi-Fi</body></html>'); // true
 * isWebPage('{"branch_view_enabled":false}');                                   // false
 * isWebPage(undefined);                                                          // false
 */
export function isWebPage(body: string | undefined): boolean {
  return WEB_PAGE.test(body ?? '');
}
