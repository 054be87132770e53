import type { Notification } from "../definitions/schema-types.js";

/** What a target may ask for in `on` (SPEC §11). */
export type NoticeKind = Notification["on"][number];

/** What is sent: a kind of `on`, or the summary of notices the rate limit held back. */
export type SentKind = NoticeKind | "summary";

/** One thing worth telling a person, before it is shaped for a target. */
export interface Notice {
  kind: SentKind;
  /** What it is about: `event:<id>`, `revision` (the controller's reconcile) or `budget`; a `recovered` notice closes the subject's trouble. */
  subject: string;
  /** Deduplication: the same kind and key are not sent twice within the window; `subject` or `subject:more` (a new bad revision has a new key). */
  key: string;
  /** This notice's own dedup window (the budget: a day), instead of the notifier's. */
  dedupeMs?: number;
  /** One line for people (Slack's `text`). */
  text: string;
  /** Machine fields for the generic webhook's `data` (snake_case, SPEC §10). */
  data: Record<string, unknown>;
}

/** The kinds that open trouble on a subject, and that `recovered` closes. */
export const troubleKinds: ReadonlySet<SentKind> = new Set<SentKind>(["run_failed", "event_paused", "revision_refused"]);
