import type { ComponentChildren } from "preact";
import { navigate } from "../router.js";

interface Props {
  href: string;
  children: ComponentChildren;
  class?: string;
  title?: string;
  "aria-label"?: string;
  "aria-current"?: "page";
}

/** A real link (it opens in a new tab, and keyboard users reach it), followed in the app on a plain click. */
export function Link(props: Props) {
  const onClick = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(props.href);
  };
  return (
    <a href={props.href} class={props.class} title={props.title} aria-label={props["aria-label"]} aria-current={props["aria-current"]} onClick={onClick}>
      {props.children}
    </a>
  );
}
