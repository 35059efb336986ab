-- +goose Up
-- A charging session's meter readings, out of the session's row: a
-- MeterValues rewrote that row whole, 70 KB after 16 hours at a reading
-- a minute. Readings are kept in chunks of about 60 (a row each would
-- make billing a long session read hundreds of rows): readings holds
-- "at,energy_wh,power_w;" for each, at in microseconds, in no set order;
-- n counts them. A reading is added to the session's last chunk, or
-- starts a new one when that is full.
CREATE TABLE charge_readings (
    session_id TEXT    NOT NULL REFERENCES charge_sessions (id),
    chunk      INTEGER NOT NULL,
    n          INTEGER NOT NULL,
    readings   TEXT    NOT NULL,
    PRIMARY KEY (session_id, chunk)
) STRICT, WITHOUT ROWID;

-- The readings sessions held until now, out of their rows' data (times
-- there are RFC 3339 in UTC, to the microsecond).
INSERT INTO charge_readings (session_id, chunk, n, readings)
SELECT id, chunk, count(*), group_concat(rec, '')
FROM (SELECT s.id,
             (row_number() OVER (PARTITION BY s.id ORDER BY r.key) - 1) / 60 AS chunk,
             (unixepoch(r.value ->> '$.at') * 1000000 +
              CASE WHEN instr(r.value ->> '$.at', '.') > 0
                   THEN CAST(substr(substr(r.value ->> '$.at', instr(r.value ->> '$.at', '.') + 1,
                                           length(r.value ->> '$.at') - instr(r.value ->> '$.at', '.') - 1)
                                    || '000000', 1, 6) AS INTEGER)
                   ELSE 0 END)
             || ',' || (r.value ->> '$.energy_wh') || ',' || coalesce(r.value ->> '$.power_w', 0) || ';' AS rec
      FROM charge_sessions s, json_each(s.data, '$.readings') r)
GROUP BY id, chunk;
UPDATE charge_sessions SET data = json_remove(data, '$.readings') WHERE json_type(data, '$.readings') IS NOT NULL;

-- +goose Down
UPDATE charge_sessions
SET data = json_set(data, '$.readings', json((
    SELECT json_group_array(json_object(
               'at', strftime('%Y-%m-%dT%H:%M:%S', (r.value ->> 0) / 1000000, 'unixepoch') || '.'
                     || printf('%06d', (r.value ->> 0) % 1000000) || 'Z',
               'energy_wh', r.value ->> 1, 'power_w', r.value ->> 2))
    FROM (SELECT j.value FROM charge_readings c,
                 json_each('[[' || replace(rtrim(c.readings, ';'), ';', '],[') || ']]') j
          WHERE c.session_id = charge_sessions.id
          ORDER BY j.value ->> 0, j.value ->> 1) r)))
WHERE id IN (SELECT session_id FROM charge_readings);
DROP TABLE charge_readings;
