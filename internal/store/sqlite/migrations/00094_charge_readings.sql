-- +goose Up
-- A charging session's meter readings, a row each: a reading adds a row
-- instead of rewriting the session with every reading it holds (960 of
-- them after 16 hours at one a minute). A reading of the same time and
-- register as one held is the same reading.
CREATE TABLE charge_readings (
    session_id TEXT    NOT NULL REFERENCES charge_sessions (id),
    at         INTEGER NOT NULL,
    energy_wh  INTEGER NOT NULL,
    power_w    INTEGER NOT NULL,
    PRIMARY KEY (session_id, at, energy_wh)
) STRICT, WITHOUT ROWID;

-- The readings sessions held until now, out of their rows' data (times
-- there are RFC 3339 in UTC, to the microsecond).
INSERT OR IGNORE INTO charge_readings (session_id, at, energy_wh, power_w)
SELECT s.id,
       unixepoch(json_extract(r.value, '$.at')) * 1000000 +
       CASE WHEN instr(json_extract(r.value, '$.at'), '.') > 0
            THEN CAST(substr(substr(json_extract(r.value, '$.at'), instr(json_extract(r.value, '$.at'), '.') + 1,
                                    length(json_extract(r.value, '$.at')) - instr(json_extract(r.value, '$.at'), '.') - 1)
                             || '000000', 1, 6) AS INTEGER)
            ELSE 0 END,
       json_extract(r.value, '$.energy_wh'),
       coalesce(json_extract(r.value, '$.power_w'), 0)
FROM charge_sessions s, json_each(s.data, '$.readings') r;
UPDATE charge_sessions SET data = json_remove(data, '$.readings') WHERE json_type(data, '$.readings') IS NOT NULL;

-- +goose Down
UPDATE charge_sessions
SET data = json_set(data, '$.readings', json((
    SELECT json_group_array(json_object(
               'at', strftime('%Y-%m-%dT%H:%M:%S', r.at / 1000000, 'unixepoch') || '.' || printf('%06d', r.at % 1000000) || 'Z',
               'energy_wh', r.energy_wh, 'power_w', r.power_w))
    FROM (SELECT * FROM charge_readings WHERE session_id = charge_sessions.id ORDER BY at, energy_wh) r)))
WHERE id IN (SELECT session_id FROM charge_readings);
DROP TABLE charge_readings;
