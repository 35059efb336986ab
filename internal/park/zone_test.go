package park_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"parkd/internal/park"
)

// TestWallTime: instants worked out from the zones' published changes.
func TestWallTime(t *testing.T) {
	load := func(name string) *time.Location {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}
	scl, bey, sh := load("America/Santiago"), load("Asia/Beirut"), load("Asia/Shanghai")
	utc := func(y int, m time.Month, d, hh, mm int) time.Time { return time.Date(y, m, d, hh, mm, 0, 0, time.UTC) }
	for _, c := range []struct {
		name          string
		loc           *time.Location
		y             int
		m             time.Month
		d, hh, mm     int
		want          time.Time
		wantLocalDate string
	}{
		{"an ordinary time", sh, 2027, 1, 31, 10, 0, utc(2027, 1, 31, 2, 0), "2027-01-31 10:00"},
		{"month overflow normalised", sh, 2027, 2, 31, 10, 0, utc(2027, 3, 3, 2, 0), "2027-03-03 10:00"},
		// Santiago: 2026-09-06 00:00 (-04) jumps to 01:00 (-03).
		{"skipped midnight west of UTC", scl, 2026, 9, 6, 0, 0, utc(2026, 9, 6, 4, 0), "2026-09-06 01:00"},
		{"skipped half past midnight", scl, 2026, 9, 6, 0, 30, utc(2026, 9, 6, 4, 30), "2026-09-06 01:30"},
		{"just after the jump", scl, 2026, 9, 6, 1, 0, utc(2026, 9, 6, 4, 0), "2026-09-06 01:00"},
		// Beirut: 2027-03-28 00:00 (+02) jumps to 01:00 (+03).
		{"skipped midnight east of UTC", bey, 2027, 3, 28, 0, 0, utc(2027, 3, 27, 22, 0), "2027-03-28 01:00"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := park.WallTime(c.y, c.m, c.d, c.hh, c.mm, 0, 0, c.loc)
			if !got.Equal(c.want) || got.In(c.loc).Format("2006-01-02 15:04") != c.wantLocalDate {
				t.Fatalf("got %s, want %s (%s local)", got.In(c.loc), c.want, c.wantLocalDate)
			}
		})
	}
}

// TestParseWallTime: a zoneless time is the lot's wall clock.
func TestParseWallTime(t *testing.T) {
	scl, err := time.LoadLocation("America/Santiago")
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]time.Time{
		"2026-09-05 22:00:00": time.Date(2026, 9, 6, 2, 0, 0, 0, time.UTC), // -04
		"2026-09-06 00:00:00": time.Date(2026, 9, 6, 4, 0, 0, 0, time.UTC), // skipped: 01:00 -03
		"2026-09-06 02:00:00": time.Date(2026, 9, 6, 5, 0, 0, 0, time.UTC), // -03
	} {
		got, err := park.ParseWallTime("2006-01-02 15:04:05", in, scl)
		if err != nil || !got.Equal(want) {
			t.Errorf("%s: got %s (%v), want %s", in, got.UTC(), err, want)
		}
	}
	if _, err := park.ParseWallTime("2006-01-02 15:04:05", "2026-09-06 24:00:00", scl); err == nil {
		t.Error("24:00:00 read as a time")
	}
}

// TestLoadLocationRequired: a missing zone is refused as missing, not as
// an unknown zone named "".
func TestLoadLocationRequired(t *testing.T) {
	_, err := park.LoadLocation("")
	var pe *park.Error
	if !errors.As(err, &pe) || pe.Code != park.EInvalid || pe.Field != "timezone" || pe.Reason != park.ReasonRequired {
		t.Fatalf("got %#v, want park.EInvalid on timezone because it is required", err)
	}
	if strings.Contains(pe.Message, `""`) {
		t.Errorf("message %q names an empty zone", pe.Message)
	}
	for _, l := range []park.Lot{{Code: "l1", Name: "L", Currency: "CNY", QuoteTTLSeconds: 300, MissedEntry: park.MissedEntryHold}} {
		err := l.Validate()
		if !errors.As(err, &pe) || pe.Field != "timezone" || pe.Reason != park.ReasonRequired {
			t.Errorf("a lot without a zone: got %v, want timezone required", err)
		}
	}
}
