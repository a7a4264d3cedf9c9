/** Only paths inside the app: `//evil.example` or `https://…` fall back to the home page. */
export function safeRedirect(raw: string | null): string {
  if (!raw?.startsWith('/') || raw.startsWith('//') || raw.startsWith('/login')) return '/';
  return raw;
}
