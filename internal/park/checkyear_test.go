package park_test

import (
	"strings"
	"testing"
	"time"

	"parkd/internal/park"
)

// TestCheckYear: the year is read as written, in the time's own zone.
func TestCheckYear(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	for _, c := range []struct {
		t  time.Time
		ok bool
	}{
		{time.Date(2000, 1, 1, 0, 0, 0, 0, shanghai), true}, // 1999 in UTC, 2000 as written
		{time.Date(1999, 12, 31, 23, 59, 59, 0, shanghai), false},
		{time.Date(9000, 12, 31, 23, 59, 59, 0, time.UTC), true},
		{time.Date(9001, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{time.Date(9999, 12, 31, 23, 59, 59, 0, shanghai), false},
		{time.Date(1, 1, 1, 0, 0, 0, 0, shanghai), false},
	} {
		err := park.CheckYear("valid_to", c.t)
		if (err == nil) != c.ok {
			t.Errorf("%v: %v, want ok %v", c.t, err, c.ok)
		}
		if pe, _ := err.(*park.Error); err != nil && (pe.Code != park.EInvalid || pe.Field != "valid_to") {
			t.Errorf("%v: %#v", c.t, err)
		}
	}
}

// TestReportTimeAhead: a device dated a report too far ahead is told by
// how much in units a reader takes in, with the drift allowed.
func TestReportTimeAhead(t *testing.T) {
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{now.Add(7*time.Minute + 30*time.Second), "is 7m30s ahead"},
		{now.Add(5*time.Hour + 12*time.Minute + 40*time.Second), "is 5h13m ahead"},
		{now.AddDate(0, 0, 3).Add(5 * time.Hour), "is 3 days ahead"},
		{time.Date(2099, 12, 5, 12, 0, 0, 0, time.UTC), "is 26663 days ahead"}, // 73 years with 18 leap days
	} {
		err := park.CheckReportTime("at", c.at, now)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "more than the 5 minutes") {
			t.Errorf("%s: %v, want %q and the 5 minutes allowed", c.at, err, c.want)
		}
	}
	if err := park.CheckReportTime("at", now.Add(4*time.Minute), now); err != nil {
		t.Errorf("4 minutes ahead: %v, want it taken", err)
	}
}
