package transfer

import (
	"database/sql"
	"strings"
	"testing"
	"time"
)

// sample has a column of every kind, a nullable time and two adjacent texts.
var sample = table{name: "sample", key: []string{"id"}, columns: []column{
	{"id", text}, {"n", integer}, {"ok", boolean}, {"at", timestamp}, {"left_at", timestamp},
	{"doc", jsonb}, {"a", text}, {"b", text},
}}

var at = time.Date(2026, 11, 23, 1, 2, 3, 456789000, time.UTC)

// sqliteSum checksums rows given as SQLite returns them: string or int64,
// nil for NULL.
func sqliteSum(t *testing.T, rows ...[]any) string {
	t.Helper()
	c := newChecksum()
	for _, row := range rows {
		dest := sqliteDest(sample)
		for i, v := range row {
			switch d := dest[i].(type) {
			case *sql.NullString:
				if v != nil {
					*d = sql.NullString{String: v.(string), Valid: true}
				}
			case *sql.NullInt64:
				if v != nil {
					*d = sql.NullInt64{Int64: v.(int64), Valid: true}
				}
			}
		}
		if _, err := c.sqliteRow(sample, dest); err != nil {
			t.Fatal(err)
		}
	}
	return c.sum()
}

// pgSum checksums rows given as pgx returns them, nil for NULL.
func pgSum(t *testing.T, rows ...[]any) string {
	t.Helper()
	c := newChecksum()
	for _, row := range rows {
		dest := postgresDest(sample)
		for i, v := range row {
			switch d := dest[i].(type) {
			case **string:
				if v != nil {
					s := v.(string)
					*d = &s
				}
			case **int64:
				if v != nil {
					n := v.(int64)
					*d = &n
				}
			case **bool:
				if v != nil {
					b := v.(bool)
					*d = &b
				}
			case **time.Time:
				if v != nil {
					tm := v.(time.Time)
					*d = &tm
				}
			}
		}
		if err := c.postgresRow(sample, dest); err != nil {
			t.Fatal(err)
		}
	}
	return c.sum()
}

func pgRow() []any {
	shanghai := time.FixedZone("CST", 8*3600)
	// As pgx could return it: the time in another zone, the JSON with other
	// key order, spacing and number spelling than SQLite's text below.
	return []any{"s1", int64(-42), true, at.In(shanghai), nil,
		`{"b": 1.50, "a": [1, "x", null, true], "c": {"y": "é", "z": 100}}`, "", "京A12345"}
}

func TestChecksum(t *testing.T) {
	t.Parallel()
	sqliteRow := []any{"s1", int64(-42), int64(1), at.UnixMicro(), nil,
		`{ "c": {"z": 1e2, "y": "\u00e9"}, "a": [1, "x", null, true], "b": 1.5 }`, "", "京A12345"}
	second := []any{"s2", int64(0), int64(0), int64(0), at.UnixMicro(), `[]`, "x", "y"}
	secondPG := []any{"s2", int64(0), false, time.UnixMicro(0), at, `[]`, "x", "y"}

	t.Run("SameDataBothEngines", func(t *testing.T) {
		t.Parallel()
		if a, b := sqliteSum(t, sqliteRow, second), pgSum(t, pgRow(), secondPG); a != b {
			t.Fatalf("SQLite checksum %s, PostgreSQL %s for the same rows", a, b)
		}
	})
	t.Run("AnyFieldChanges", func(t *testing.T) {
		t.Parallel()
		base := pgSum(t, pgRow())
		changes := []any{"s2", int64(-41), false, at.Add(time.Microsecond), at,
			`{"b": 1.51, "a": [1, "x", null, true], "c": {"y": "é", "z": 100}}`, "x", "京A12346"}
		for i, v := range changes {
			row := pgRow()
			row[i] = v
			if pgSum(t, row) == base {
				t.Errorf("changing %s to %v kept the checksum", sample.columns[i].name, v)
			}
		}
	})
	t.Run("NullIsNotEmpty", func(t *testing.T) {
		t.Parallel()
		row := pgRow()
		row[6] = nil // was ""
		if pgSum(t, row) == pgSum(t, pgRow()) {
			t.Fatal("NULL and the empty string gave the same checksum")
		}
	})
	t.Run("NoRunningTogether", func(t *testing.T) {
		t.Parallel()
		r1, r2 := pgRow(), pgRow()
		r1[6], r1[7] = "ab", "c"
		r2[6], r2[7] = "a", "bc"
		if pgSum(t, r1) == pgSum(t, r2) {
			t.Fatal(`("ab","c") and ("a","bc") gave the same checksum`)
		}
	})
	t.Run("RowsMatter", func(t *testing.T) {
		t.Parallel()
		if pgSum(t, pgRow(), secondPG) == pgSum(t, pgRow()) || pgSum(t, pgRow(), secondPG) == pgSum(t, secondPG, pgRow()) {
			t.Fatal("a missing or reordered row kept the checksum")
		}
	})
}

func TestSQLiteValues(t *testing.T) {
	t.Parallel()
	row := func(mod func([]any)) []any {
		r := []any{"s1", int64(7), int64(1), at.UnixMicro(), nil, `{"k":[1]}`, "", "x"}
		mod(r)
		return r
	}
	convert := func(r []any) ([]any, error) {
		dest := sqliteDest(sample)
		for i, v := range r {
			switch d := dest[i].(type) {
			case *sql.NullString:
				if v != nil {
					*d = sql.NullString{String: v.(string), Valid: true}
				}
			case *sql.NullInt64:
				if v != nil {
					*d = sql.NullInt64{Int64: v.(int64), Valid: true}
				}
			}
		}
		return newChecksum().sqliteRow(sample, dest)
	}
	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		vals, err := convert(row(func([]any) {}))
		if err != nil {
			t.Fatal(err)
		}
		if vals[2] != true || !vals[3].(time.Time).Equal(at) || vals[4] != nil || vals[5] != `{"k":[1]}` || vals[6] != "" {
			t.Fatalf("converted to %#v", vals)
		}
	})
	for name, c := range map[string]struct {
		mod  func([]any)
		want string
	}{
		"ErrNotBoolean":  {func(r []any) { r[2] = int64(2) }, "column ok: 2 is not a boolean"},
		"ErrInvalidJSON": {func(r []any) { r[5] = `{"k":` }, "column doc: invalid JSON"},
		"ErrTrailing":    {func(r []any) { r[5] = `{} {}` }, "column doc: invalid JSON"},
		"ErrNUL":         {func(r []any) { r[7] = "a\x00b" }, "column b: text holds a NUL byte"},
		"ErrUTF8":        {func(r []any) { r[6] = "\xff" }, "column a: text is not valid UTF-8"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := convert(row(c.mod))
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), `row id="s1"`) {
				t.Fatalf("got %v, want an error naming the row and %q", err, c.want)
			}
		})
	}
}

func TestCanonicalNumber(t *testing.T) {
	t.Parallel()
	for _, group := range [][]string{
		{"1.5", "1.50", "15e-1", "0.15E1", "1.500e+0", "150E-2"},
		{"0", "-0", "0.0", "0e10", "-0.000E-3"},
		{"100", "1e2", "1E+2", "100.0", "0.001e5"},
		{"-12345678901234567890123", "-1.2345678901234567890123e22"},
	} {
		want, err := canonicalNumber(group[0])
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range group[1:] {
			if got, err := canonicalNumber(n); err != nil || got != want {
				t.Errorf("%s: %s (%v), want %s as for %s", n, got, err, want, group[0])
			}
		}
	}
	for _, pair := range [][2]string{{"1", "10"}, {"1", "-1"}, {"12345678901234567890", "12345678901234567891"}, {"0.1", "0.01"}} {
		a, _ := canonicalNumber(pair[0])
		b, _ := canonicalNumber(pair[1])
		if a == b {
			t.Errorf("%s and %s both canonicalise to %s", pair[0], pair[1], a)
		}
	}
}
