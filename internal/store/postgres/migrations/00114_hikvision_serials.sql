-- +goose Up
-- Hikvision cameras (protocol 'hikvision-isapi') are looked up by their
-- serial's one form since parkd took it (hikvision.Serial: spaces
-- trimmed, a MAC address in lower case with colons). A camera registered
-- before, by the upper-case MAC on its label, never matched its pushes:
-- its serial takes that form here. When the form is taken (the camera
-- registered again since, or two old rows of the same MAC), the row
-- already in that form, else the one registered first, keeps it; the
-- others are left as they were, for an operator to see and remove.
CREATE TABLE hikvision_serials (old TEXT COLLATE "C" NOT NULL PRIMARY KEY, trimmed TEXT COLLATE "C" NOT NULL, new TEXT COLLATE "C" NOT NULL, created_at TIMESTAMPTZ NOT NULL);
INSERT INTO hikvision_serials (old, trimmed, new, created_at)
SELECT serial, btrim(serial, E' \t\n\f\r' || chr(11)), '', created_at FROM devices WHERE protocol = 'hikvision-isapi';
UPDATE hikvision_serials SET new = CASE
    WHEN lower(trimmed) ~ '^[0-9a-f]{2}(:[0-9a-f]{2}){5}$'
        THEN lower(trimmed)
    WHEN lower(trimmed) ~ '^[0-9a-f]{2}(-[0-9a-f]{2}){5}$'
        THEN replace(lower(trimmed), '-', ':')
    WHEN lower(trimmed) ~ '^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$'
        THEN substr(lower(trimmed), 1, 2) || ':' || substr(lower(trimmed), 3, 2) || ':' || substr(lower(trimmed), 6, 2) || ':' ||
             substr(lower(trimmed), 8, 2) || ':' || substr(lower(trimmed), 11, 2) || ':' || substr(lower(trimmed), 13, 2)
    ELSE trimmed END;
DELETE FROM hikvision_serials WHERE new = old
    OR EXISTS (SELECT 1 FROM devices d WHERE d.serial = hikvision_serials.new)
    OR EXISTS (SELECT 1 FROM hikvision_serials o WHERE o.new = hikvision_serials.new AND o.old <> hikvision_serials.old
               AND (o.created_at < hikvision_serials.created_at OR (o.created_at = hikvision_serials.created_at AND o.old < hikvision_serials.old)));
UPDATE devices SET serial = (SELECT new FROM hikvision_serials WHERE old = devices.serial)
    WHERE serial IN (SELECT old FROM hikvision_serials);
UPDATE device_commands SET serial = (SELECT new FROM hikvision_serials WHERE old = device_commands.serial)
    WHERE serial IN (SELECT old FROM hikvision_serials);
DROP TABLE hikvision_serials;

-- +goose Down
-- The old forms are not kept: a serial in its one form matches either way.
SELECT 1;
