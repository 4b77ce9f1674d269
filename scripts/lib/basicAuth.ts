// Basic-auth credentials as an HTTP Authorization header: the one spelling for the CLI (npm run
// logs) and the test helpers that query VictoriaLogs or vmauth. Its own module: npm run logs loads
// nothing more for it.

/** The Authorization header's value for basic-auth credentials. */
export const basicAuthorization = (auth: { username: string; password: string }): string =>
    `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}`;
