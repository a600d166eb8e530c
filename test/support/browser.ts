/** A stand-in for the person at the browser, for OAuth flows in tests and the conformance driver. */

/**
 * A browser that consents at once: asks for the authorization URL and follows its redirect, which
 * lands on the client's loopback port as a real browser's would.
 */
export async function consentingBrowser(_server: string, url: URL): Promise<void> {
  const answer = await fetch(url, { redirect: "manual" });
  const location = answer.headers.get("location");
  await answer.body?.cancel();
  if (!location) throw new Error(`the authorization endpoint answered ${answer.status} without a redirect`);
  const redirect = await fetch(new URL(location, url));
  await redirect.body?.cancel();
}
