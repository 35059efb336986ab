-- +goose Up
-- A charging session's meter readings, a row each: a reading adds a row
-- instead of rewriting the session with every reading it holds (960 of
-- them after 16 hours at one a minute). A reading of the same time and
-- register as one held is the same reading.
CREATE TABLE charge_readings (
    session_id TEXT COLLATE "C" NOT NULL REFERENCES charge_sessions (id),
    at         TIMESTAMPTZ NOT NULL,
    energy_wh  BIGINT NOT NULL,
    power_w    BIGINT NOT NULL,
    PRIMARY KEY (session_id, at, energy_wh)
);

-- The readings sessions held until now, out of their rows' data.
INSERT INTO charge_readings (session_id, at, energy_wh, power_w)
SELECT s.id, (r ->> 'at')::timestamptz, (r ->> 'energy_wh')::bigint, coalesce((r ->> 'power_w')::bigint, 0)
FROM charge_sessions s, jsonb_array_elements(s.data::jsonb -> 'readings') r
WHERE jsonb_typeof(s.data::jsonb -> 'readings') = 'array'
ON CONFLICT DO NOTHING;
UPDATE charge_sessions SET data = (data::jsonb - 'readings')::text WHERE data::jsonb ? 'readings';

-- +goose Down
UPDATE charge_sessions s
SET data = jsonb_set(s.data::jsonb, '{readings}', (
    SELECT jsonb_agg(jsonb_build_object(
               'at', to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
               'energy_wh', r.energy_wh, 'power_w', r.power_w) ORDER BY r.at, r.energy_wh)
    FROM charge_readings r WHERE r.session_id = s.id))::text
WHERE s.id IN (SELECT session_id FROM charge_readings);
DROP TABLE charge_readings;
