import type { Diagnostic } from "../diagnostic.js";
import { originTemplate } from "../url-origin.js";
import { actionSites, finding, type Rule } from "./rule.js";

/**
 * A webhook's scheme, host and port come from the definition or the
 * environment, never from a template: `http://{{trigger.payload.host}}/x`
 * would let whoever sends the payload choose where the request (and its
 * secret headers) goes. Events and flow steps alike.
 */
export const templateInOrigin: Rule = ({ defs }) => {
  const out: Diagnostic[] = [];
  for (const site of actionSites(defs)) {
    const url = site.fields.url;
    if (site.type !== "webhook" || typeof url !== "string") continue;
    const template = originTemplate(url);
    if (template === undefined) continue;
    out.push(
      finding(
        site.owner,
        [...site.path, "url"],
        "template-in-origin",
        `${template} is in the URL's scheme, host or port: those come from the definition or the environment ("\${NAME}"); templates may fill only the path and query, after a "/"`,
      ),
    );
  }
  return out;
};
