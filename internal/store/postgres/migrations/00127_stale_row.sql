-- +goose Up
-- stale_row fails its statement, and so its transaction, when an
-- optimistic update found no row at the version it was read at. Such an
-- update can then wait to go to the server with the commit (a stay
-- closed at an exit) instead of a round trip of its own to count its
-- rows: a lost race still commits nothing, and is retried.
-- +goose StatementBegin
CREATE FUNCTION stale_row(n BIGINT) RETURNS BIGINT LANGUAGE plpgsql AS $$
BEGIN
    IF n = 0 THEN
        RAISE EXCEPTION 'row not at the version it was read at' USING ERRCODE = 'PK409';
    END IF;
    RETURN n;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION stale_row(BIGINT);
