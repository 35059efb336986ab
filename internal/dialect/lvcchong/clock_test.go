package lvcchong

import (
	"testing"
	"time"
	_ "time/tzdata" // lots in several zones, on any machine

	"parkd/internal/tariff"
)

func TestClock(t *testing.T) {
	for _, c := range []struct {
		ms         int64
		start, end time.Duration
	}{
		{-28800000, 0, 24 * time.Hour},                          // 00:00: as an end, the midnight that ends the day
		{0, hm(8, 0), hm(8, 0)},                                 // the epoch is 08:00 in UTC+8
		{-3601000, hm(6, 59) + 59*time.Second, hm(7, 0)},        // 06:59:59: an inclusive end
		{57599000, hm(23, 59) + 59*time.Second, 24 * time.Hour}, // 23:59:59 runs to midnight
		{57600000, 24 * time.Hour, 24 * time.Hour},              // 24:00 (an end only)
		{vendorTime(8, 0, 30), hm(8, 0) + 30*time.Second, hm(8, 0) + 30*time.Second},
		{vendorTime(8, 0, 59) + 500, hm(8, 0) + 59500*time.Millisecond, hm(8, 1)},
	} {
		if got := startOfWindow(c.ms); got != c.start {
			t.Errorf("startOfWindow(%d) = %v, want %v", c.ms, got, c.start)
		}
		if got := endOfWindow(c.ms); got != c.end {
			t.Errorf("endOfWindow(%d) = %v, want %v", c.ms, got, c.end)
		}
	}
	for _, c := range []struct {
		to time.Duration
		ms int64
		ok bool
	}{
		{24 * time.Hour, 57599000, true}, // written the vendor's way, 23:59:59
		{hm(7, 0), -3601000, true},
		{0, 57599000, true}, // midnight
		{hm(0, 1), vendorTime(0, 0, 59), true},
		{hm(8, 0) + 30*time.Second, vendorTime(8, 0, 30), true},
		{hm(8, 0) + 59500*time.Millisecond, 0, false}, // would read as 08:01
		{time.Microsecond, 0, false},
	} {
		ms, ok := endMs(c.to)
		if ms != c.ms || ok != c.ok {
			t.Errorf("endMs(%v) = %d, %v; want %d, %v", c.to, ms, ok, c.ms, c.ok)
		}
		if ok && endOfWindow(ms) != c.to && c.to != 0 {
			t.Errorf("endMs(%v) reads back as %v", c.to, endOfWindow(ms))
		}
	}
	for _, c := range []struct {
		start, end int64
		empty      bool
	}{
		{vendorTime(0, 0, 0), vendorTime(0, 0, 0), true},
		{vendorTime(8, 0, 0), vendorTime(7, 59, 59), true}, // 07:59:59 is 08:00
		{vendorTime(8, 0, 0), vendorTime(8, 0, 0), true},
		{vendorTime(0, 0, 0), vendorTime(23, 59, 59), false}, // the vendor's whole day
		{vendorTime(22, 0, 0), vendorTime(0, 0, 0), false},
	} {
		if got := emptyWindow(c.start, c.end); got != c.empty {
			t.Errorf("emptyWindow(%d, %d) = %v, want %v", c.start, c.end, got, c.empty)
		}
	}
	if ms, ok := startMs(hm(23, 0)); ms != 54000000 || !ok {
		t.Errorf("startMs(23:00) = %d, %v; want 54000000", ms, ok)
	}
}

// The vendor's time of day is a wall-clock reading: "22:00" is 22:00 on the
// lot's clock, whatever the lot's zone. In China (UTC+8) that is also the
// instant the vendor's encoding names.
func TestWallClock(t *testing.T) {
	doc := editSeed(t, func(m map[string]any, _ []any) {
		m["maxTime"] = 0
		m["priceStandardTbody"] = []any{
			seg("08:00", "21:59:59", map[string]any{"price": 100, "time": 60}),
			seg("22:00", "07:59:59", map[string]any{"price": 50, "time": 120}),
		}
	})
	s, err := ParsePriceStandard(doc)
	if err != nil {
		t.Fatal(err)
	}
	if s.Segments[0].From != hm(8, 0) || s.Segments[1].From != hm(22, 0) {
		t.Fatalf("windows %v, %v: want 08:00 and 22:00 after local midnight", s.Segments[0].From, s.Segments[1].From)
	}
	for _, zone := range []string{"Asia/Shanghai", "UTC", "America/Sao_Paulo"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		// 21:30 to 00:30 on the lot's clock: a day block from 21:30 (100),
		// then a night block from 22:30 (50).
		in := tariff.ChargeSession{Start: time.Date(2024, 5, 1, 21, 30, 0, 0, loc), End: time.Date(2024, 5, 2, 0, 30, 0, 0, loc), Loc: loc}
		if r := s.Price(&in); r.Amount != 150 {
			t.Errorf("%s: %d, want 150 (day block 100 + night block 50): %+v", zone, r.Amount, r.Lines)
		}
	}
	// In China the vendor's instant and the lot's wall clock agree: 22:00
	// in the vendor's encoding is 14:00 UTC.
	night := time.UnixMilli(vendorTime(22, 0, 0)).UTC()
	if night.Hour() != 14 || night.Minute() != 0 {
		t.Errorf("vendor 22:00 is %v, want 14:00 UTC", night)
	}
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	if h := night.In(shanghai).Hour(); h != 22 {
		t.Errorf("vendor 22:00 is %d:00 in Shanghai", h)
	}
}
