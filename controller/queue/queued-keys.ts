/**
 * The keys that have queued jobs, each once, as the CTE `keys (key)` of a
 * WITH RECURSIVE (its last row is NULL): a skip-scan of job_queue_keyed, one
 * index seek per key however many jobs wait behind one. Both backends' claims
 * start from it, so jobs waiting behind a busy key are never walked.
 */
export const queuedKeysCte = `
      keys (key) AS (
        SELECT min(concurrency_key) FROM job_queue WHERE status = 'queued' AND concurrency_key IS NOT NULL
        UNION ALL
        SELECT (SELECT min(concurrency_key) FROM job_queue WHERE status = 'queued' AND concurrency_key > keys.key)
        FROM keys WHERE keys.key IS NOT NULL)`;
