/**
 * Questions and their first reply: the first later message in the same conversation
 * by someone other than the asker. Messages of a conversation form runs of one
 * author (a window over time); the reply to a question is the first message of the
 * run after the question's run. Replies are looked for up to {horizonEnd} (the
 * range's end plus the horizon), so a question near the end of the range still gets
 * its answer; one with none by then is unanswered.
 */
import { NOT_EXCLUDED, NOT_RESTRICTED, withLocalDay } from './topic-sql.js';

const RUNS = `
  SELECT conversation_id, message_id, author_id, time, terms, forms, is_question,
    sum(author_id != prev_author) OVER (PARTITION BY conversation_id ORDER BY time, message_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run
  FROM (
    SELECT conversation_id, message_id, author_id, time, terms, forms, is_question,
      lagInFrame(author_id, 1, '') OVER (PARTITION BY conversation_id ORDER BY time, message_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS prev_author
    FROM topic_messages FINAL
    WHERE tenant = {tenant:String} AND time >= {start:DateTime64(3, 'UTC')} AND time < {horizonEnd:DateTime64(3, 'UTC')} AND ${NOT_EXCLUDED} AND ${NOT_RESTRICTED})`;

/** One row per question of [{start}, {end}): its terms, its local `day`, and `wait_s` (null: no reply within the horizon). */
export const QUESTIONS = withLocalDay(`
  WITH runs AS (${RUNS})
  SELECT q.conversation_id AS conversation_id, q.message_id AS message_id, q.author_id AS author_id, q.time AS time, q.terms AS terms, q.forms AS forms,
    if(r.first_time > q.time, dateDiff('millisecond', q.time, r.first_time) / 1000, NULL) AS wait_s
  FROM (SELECT * FROM runs WHERE is_question = 1 AND time < {end:DateTime64(3, 'UTC')}) AS q
  LEFT JOIN (SELECT conversation_id, run, min(time) AS first_time FROM runs GROUP BY conversation_id, run) AS r
  ON r.conversation_id = q.conversation_id AND r.run = q.run + 1`);
