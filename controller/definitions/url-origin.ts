const firstTemplate = /\{\{[^{}]*\}\}/;

/**
 * A URL as written, cut where its first `{{...}}` template starts: `fixed` is
 * what the definition and the environment (`${NAME}`) give, `templated` the
 * rest, filled at run time from payloads and step outputs.
 */
export function splitAtTemplates(url: string): { fixed: string; templated: string } {
  const at = url.search(firstTemplate);
  return at < 0 ? { fixed: url, templated: "" } : { fixed: url.slice(0, at), templated: url.slice(at) };
}

/**
 * The first template of `url` that stands in its scheme, host or port, if any.
 * Where a request goes must come from the definition or the environment, never
 * from a trigger payload: templates may fill the path and the query only, so
 * the part before the first one must close the authority with `/`, `?` or `#`
 * (`https://api.example/{{...}}`, `${BASE_URL}/{{...}}`).
 */
export function originTemplate(url: string): string | undefined {
  const { fixed, templated } = splitAtTemplates(url);
  if (templated === "") return undefined;
  const scheme = fixed.indexOf("://");
  const afterScheme = scheme < 0 ? fixed : fixed.slice(scheme + 3);
  return /[/?#]/.test(afterScheme) ? undefined : firstTemplate.exec(templated)?.[0];
}
