-- The best hand-written SQL we could write for five of the dashboard's numbers for 2026 as of
-- 2026-11-24, over a plain (decrypted) copy of the store, straight from the raw tables. Run by
-- the `dashboard_vs_sql` benchmark in the sqlite3 shell with `.timer on`; the numbers it prints
-- are checked against the engine's.
-- A case is active in [f, t] when it started by t (programme start, else arrival, else its first
-- event) and was not closed before f.
CREATE TEMP TABLE c AS
  SELECT p.id, coalesce(p.programme_start, p.arrival_date, (SELECT min(date) FROM progress_event e WHERE e.participant_id = p.id)) AS s,
         p.programme_start AS ps, p.case_closed AS closed
  FROM participant p;

-- 1. MM13: person-months in ordinary employment / active person-months, January–November.
WITH RECURSIVE months(f, t) AS (
    SELECT '2026-01-01', date('2026-01-01', '+1 month', '-1 day')
    UNION ALL SELECT date(f, '+1 month'), date(f, '+2 month', '-1 day') FROM months WHERE date(f, '+1 month') <= '2026-11-24'
), starts AS (
    SELECT participant_id AS pid, date AS f, lead(date) OVER (PARTITION BY participant_id ORDER BY date, id) AS nxt
    FROM progress_event WHERE type = 'employment_started' AND json_extract(details, '$.kind') = 'ordinary'
), ends AS (
    SELECT participant_id AS pid, date AS t
    FROM progress_event WHERE type = 'employment_ended' AND json_extract(details, '$.kind') = 'ordinary'
), jobs AS (
    -- A job ends with the first end on or after its start and before the next start (an end
    -- with no job running is ignored).
    SELECT s.pid, s.f, (SELECT min(e.t) FROM ends e WHERE e.pid = s.pid AND e.t >= s.f AND (s.nxt IS NULL OR e.t <= s.nxt)) AS t
    FROM starts s
)
SELECT 'mm13', sum(EXISTS (SELECT 1 FROM jobs j WHERE j.pid = c.id AND j.f <= m.t
                             AND coalesce(j.t, max(j.f, c.closed), '9999-12-31') >= m.f)),
       count(*)
FROM months m JOIN c ON c.s <= m.t AND (c.closed IS NULL OR c.closed >= m.f);

-- 2. and 3. Education started, and community participation, in the period / active cases.
SELECT 'education_started',
       sum(EXISTS (SELECT 1 FROM progress_event e WHERE e.participant_id = c.id AND e.type = 'education_started'
                     AND e.date BETWEEN '2026-01-01' AND '2026-11-24')),
       count(*)
FROM c WHERE c.s <= '2026-11-24' AND (c.closed IS NULL OR c.closed >= '2026-01-01');
SELECT 'community',
       sum(EXISTS (SELECT 1 FROM progress_event e WHERE e.participant_id = c.id AND e.type = 'community'
                     AND e.date BETWEEN '2026-01-01' AND '2026-11-24')),
       count(*)
FROM c WHERE c.s <= '2026-11-24' AND (c.closed IS NULL OR c.closed >= '2026-01-01');

-- 4. Days from programme start (in the period) to the first job-oriented offer: total, count.
SELECT 'days_to_first_offer', sum(julianday(o) - julianday(ps)), count(o)
FROM (SELECT c.ps,
             (SELECT min(e.date) FROM progress_event e WHERE e.participant_id = c.id AND e.type = 'offer_started' AND e.date >= c.ps
                AND json_extract(e.details, '$.offer') IN ('virksomhedspraktik', 'mentor', 'vejledning')) AS o
      FROM c WHERE c.ps BETWEEN '2026-01-01' AND '2026-11-24');

-- 5. Danish test passed within 5 years, for the cohort whose fifth year ends in the period.
SELECT 'danish_test_5y',
       sum(EXISTS (SELECT 1 FROM progress_event e WHERE e.participant_id = c.id AND e.type = 'exam_passed'
                     AND e.date <= date(c.ps, '+60 months'))),
       count(*)
FROM c WHERE date(c.ps, '+60 months') BETWEEN '2026-01-01' AND '2026-11-24';
