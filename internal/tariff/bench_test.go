package tariff

import (
	"testing"
	"time"
)

// The issue's two-band tariff with band, daily caps: the common case at a
// closed barrier.
func benchPrice(b *testing.B, stay time.Duration) {
	loc := mustLoc(b, "Asia/Shanghai")
	tf := mustParse(b, docIssue)
	entry := time.Date(2024, 3, 1, 7, 13, 27, 0, loc)
	in := &Input{Loc: loc, Entry: entry, Exit: entry.Add(stay)}
	buf := make([]Line, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		buf = tf.Price(in, buf).Lines
	}
}

func BenchmarkPriceTwoBands3Days(b *testing.B) {
	benchPrice(b, 3*24*time.Hour+5*time.Hour+10*time.Minute)
}
func BenchmarkPrice1Day(b *testing.B)  { benchPrice(b, 24*time.Hour) }
func BenchmarkPrice1Year(b *testing.B) { benchPrice(b, 365*24*time.Hour) }

// A DST zone with a night pass and a coupon, for comparison.
func BenchmarkPriceNewYorkPassCoupon3Days(b *testing.B) {
	loc := mustLoc(b, "America/New_York")
	tf := mustParse(b, docIssue)
	entry := time.Date(2024, 3, 8, 7, 13, 27, 0, loc)
	in := &Input{Loc: loc, Entry: entry, Exit: entry.Add(77 * time.Hour),
		FreeSlots: []Slot{{From: 19 * 60, To: 8 * 60}},
		Coupons:   []Coupon{{Kind: CouponMinutes, Minutes: 60}}}
	buf := make([]Line, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		buf = tf.Price(in, buf).Lines
	}
}

func BenchmarkParse(b *testing.B) {
	doc := []byte(docIssue)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(doc); err != nil {
			b.Fatal(err)
		}
	}
}
