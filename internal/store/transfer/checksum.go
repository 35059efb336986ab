package transfer

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// checksum hashes a table's rows, in primary-key order, in a canonical text
// that both engines' values reduce to: integers, times (µs since the epoch)
// and booleans (0 or 1) as decimal numbers, text as is, JSON re-encoded
// with sorted keys and normalised numbers. Each value is written as
// "V<length>:<text>;" and NULL as "N;", so NULL differs from "" and no
// value can run into the next; each row ends with a newline.
type checksum struct {
	h    hash.Hash
	rows int64
	buf  []byte
}

func newChecksum() *checksum { return &checksum{h: sha256.New()} }

func (c *checksum) value(s string) {
	c.buf = append(c.buf, 'V')
	c.buf = strconv.AppendInt(c.buf, int64(len(s)), 10)
	c.buf = append(c.buf, ':')
	c.buf = append(c.buf, s...)
	c.buf = append(c.buf, ';')
}

func (c *checksum) null() { c.buf = append(c.buf, 'N', ';') }

func (c *checksum) endRow() {
	c.buf = append(c.buf, '\n')
	c.h.Write(c.buf)
	c.buf = c.buf[:0]
	c.rows++
}

// sum is the hex SHA-256 of every row written so far.
func (c *checksum) sum() string { return hex.EncodeToString(c.h.Sum(nil)) }

// sqliteDest returns scan destinations for one row of t as SQLite gives it.
func sqliteDest(t table) []any {
	dest := make([]any, len(t.columns))
	for i, c := range t.columns {
		if c.kind == text || c.kind == jsonb {
			dest[i] = new(sql.NullString)
		} else {
			dest[i] = new(sql.NullInt64)
		}
	}
	return dest
}

// sqliteRow adds one scanned SQLite row to c and returns its values as
// PostgreSQL takes them: NULL as nil, µs as time.Time, 0/1 as bool. JSON
// goes over as the text SQLite holds; PostgreSQL parses it into jsonb.
func (c *checksum) sqliteRow(t table, dest []any) ([]any, error) {
	vals := make([]any, len(t.columns))
	for i, col := range t.columns {
		var err error
		switch v := dest[i].(type) {
		case *sql.NullString:
			if !v.Valid {
				c.null()
				continue
			}
			err = pgText(v.String)
			s := v.String
			if err == nil && col.kind == jsonb {
				s, err = canonicalJSON(s)
			}
			vals[i] = v.String
			c.value(s)
		case *sql.NullInt64:
			if !v.Valid {
				c.null()
				continue
			}
			switch col.kind {
			case integer, integer32:
				vals[i] = v.Int64
			case boolean:
				if v.Int64 != 0 && v.Int64 != 1 {
					err = fmt.Errorf("%d is not a boolean (0 or 1)", v.Int64)
				}
				vals[i] = v.Int64 == 1
			case timestamp:
				vals[i] = time.UnixMicro(v.Int64).UTC()
			}
			c.value(strconv.FormatInt(v.Int64, 10))
		}
		if err != nil {
			return nil, fmt.Errorf("table %s, row %s, column %s: %w", t.name, sqliteKey(t, dest), col.name, err)
		}
	}
	c.endRow()
	return vals, nil
}

// pgText refuses what a PostgreSQL TEXT cannot hold, naming the problem
// instead of leaving it to an encoding error from the server.
func pgText(s string) error {
	switch {
	case !utf8.ValidString(s):
		return errors.New("text is not valid UTF-8, which PostgreSQL cannot store")
	case strings.IndexByte(s, 0) >= 0:
		return errors.New("text holds a NUL byte, which PostgreSQL cannot store")
	}
	return nil
}

// sqliteKey describes a row by its primary key, for error messages.
func sqliteKey(t table, dest []any) string {
	var parts []string
	for i, col := range t.columns {
		if !slices.Contains(t.key, col.name) {
			continue
		}
		if v, ok := dest[i].(*sql.NullString); ok {
			parts = append(parts, col.name+"="+strconv.Quote(v.String))
		}
	}
	return strings.Join(parts, " ")
}

// postgresDest returns scan destinations for one row of t as pgx gives it;
// each is a pointer to a pointer, nil for NULL.
func postgresDest(t table) []any {
	dest := make([]any, len(t.columns))
	for i, c := range t.columns {
		switch c.kind {
		case text, jsonb:
			dest[i] = new(*string)
		case integer, integer32:
			dest[i] = new(*int64)
		case boolean:
			dest[i] = new(*bool)
		case timestamp:
			dest[i] = new(*time.Time)
		}
	}
	return dest
}

// postgresRow adds one scanned PostgreSQL row to c.
func (c *checksum) postgresRow(t table, dest []any) error {
	for i, col := range t.columns {
		switch v := dest[i].(type) {
		case **string:
			switch {
			case *v == nil:
				c.null()
			case col.kind == jsonb:
				s, err := canonicalJSON(**v)
				if err != nil {
					return fmt.Errorf("table %s, column %s: %w", t.name, col.name, err)
				}
				c.value(s)
			default:
				c.value(**v)
			}
		case **int64:
			if *v == nil {
				c.null()
			} else {
				c.value(strconv.FormatInt(**v, 10))
			}
		case **bool:
			switch {
			case *v == nil:
				c.null()
			case **v:
				c.value("1")
			default:
				c.value("0")
			}
		case **time.Time:
			if *v == nil {
				c.null()
			} else {
				c.value(strconv.FormatInt((**v).UnixMicro(), 10))
			}
		}
	}
	c.endRow()
	return nil
}

// canonicalJSON re-encodes a JSON document so that equal documents give
// equal text whatever their spacing, key order or number spelling:
// PostgreSQL's jsonb reorders keys and drops spaces; SQLite keeps the text.
func canonicalJSON(s string) (string, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", fmt.Errorf("invalid JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return "", errors.New("invalid JSON: data after the value")
	}
	var b strings.Builder
	if err := writeJSON(&b, v); err != nil {
		return "", err
	}
	return b.String(), nil
}

func writeJSON(b *strings.Builder, v any) error {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case string:
		b.WriteString(strconv.Quote(v))
	case json.Number:
		n, err := canonicalNumber(string(v))
		if err != nil {
			return err
		}
		b.WriteString(n)
	case []any:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeJSON(b, e); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case map[string]any:
		b.WriteByte('{')
		for i, k := range slices.Sorted(maps.Keys(v)) {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Quote(k))
			b.WriteByte(':')
			if err := writeJSON(b, v[k]); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	default:
		return fmt.Errorf("unexpected JSON value %T", v)
	}
	return nil
}

// canonicalNumber spells a JSON number as <digits>e<exponent> with no
// leading or trailing zeros in the digits, so 1.50, 1.5 and 15e-1 (jsonb
// keeps numbers as numeric, and may print them differently) agree exactly,
// without going through float64.
func canonicalNumber(n string) (string, error) {
	neg := strings.HasPrefix(n, "-")
	n = strings.TrimPrefix(n, "-")
	mant, exp := n, 0
	if i := strings.IndexAny(n, "eE"); i >= 0 {
		e, err := strconv.Atoi(n[i+1:])
		if err != nil {
			return "", fmt.Errorf("JSON number %s: exponent out of range", n)
		}
		mant, exp = n[:i], e
	}
	whole, frac, _ := strings.Cut(mant, ".")
	digits := strings.TrimLeft(whole+frac, "0")
	exp -= len(frac)
	if digits == "" {
		return "0", nil
	}
	trimmed := strings.TrimRight(digits, "0")
	exp += len(digits) - len(trimmed)
	s := trimmed + "e" + strconv.Itoa(exp)
	if neg {
		s = "-" + s
	}
	return s, nil
}
