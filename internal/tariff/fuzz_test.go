package tariff

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

func FuzzParse(f *testing.F) {
	for _, doc := range []string{docIssue, docGrace, docFirst, docNight, docClasses, docCal2000, docStay,
		`{}`, `[]`, `null`, `{"every":{"minutes":1,"price":0},"bands":[]}`,
		`{"bands":[{"name":"a","from":"00:00","to":"24:00","every":{"minutes":1,"price":1}}]}`,
		`{"every":{"minutes":30,"price":200},"classes":{"large":{"bands":[]}}}`,
	} {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		tf, err := Parse(doc)
		if err != nil {
			var te *Error
			if !errors.As(err, &te) || te.Field == "" || tf != nil {
				t.Fatalf("bad error %T %v", err, err)
			}
			return
		}
		// The canonical form must parse to itself.
		again, err := Parse(tf.Doc())
		if err != nil {
			t.Fatalf("Doc() does not parse: %v\n%s", err, tf.Doc())
		}
		if !bytes.Equal(again.Doc(), tf.Doc()) {
			t.Fatalf("Doc() not stable:\n%s\n%s", tf.Doc(), again.Doc())
		}
		e := time.Date(2024, 3, 9, 22, 0, 0, 0, time.UTC)
		r := tf.Price(&Input{Entry: e, Exit: e.Add(50 * time.Hour)}, nil)
		if r.Gross < 0 {
			t.Fatalf("negative gross %d", r.Gross)
		}
	})
}

// fuzzTariffs are the tariffs FuzzPrice picks from.
var fuzzTariffs = []string{docIssue, docNight, docStay, docHourlyCal, docGraceDeducted, docFirst,
	`{"grace_minutes":527040,"every":{"minutes":527040,"price":1000000000000}}`,
	`{"first":{"minutes":1,"price":1000000000000},"every":{"minutes":1,"price":1000000000000}}`,
	`{"every":{"minutes":7,"price":13},"bands":[
	  {"name":"a","from":"00:00","to":"01:13"},{"name":"b","from":"01:13","to":"13:31","every":{"minutes":1000,"price":999},"cap":5000},
	  {"name":"c","from":"13:31","to":"00:00","every":{"minutes":1,"price":3}}],"daily_cap":7000,"daily_cap_window":"calendar","stay_cap":900000}`,
}

func FuzzPrice(f *testing.F) {
	f.Add(uint8(0), uint8(0), int64(1709247600), int64(3*86400), int64(0), int64(-1), uint8(0), int64(0), uint16(0), uint16(0), int64(0), int64(0))
	f.Add(uint8(1), uint8(2), int64(1710050400), int64(10*365*86400), int64(500), int64(3600), uint8(1), int64(90), uint16(1140), uint16(480), int64(7200), int64(86400))
	f.Add(uint8(8), uint8(3), int64(-62135596800), int64(1<<40), int64(1<<62), int64(1<<40), uint8(4), int64(1<<40), uint16(65535), uint16(3), int64(-1), int64(1<<62))
	locs := []*time.Location{time.UTC, mustLoc(f, "America/New_York"), mustLoc(f, "Europe/Berlin"), mustLoc(f, "Asia/Shanghai")}
	tariffs := make([]*Tariff, len(fuzzTariffs))
	for i, d := range fuzzTariffs {
		tariffs[i] = mustParse(f, d)
	}
	classes := []string{"", "small", "large", "new_energy", "motorcycle", "truck"}
	const tenYears = 3653 * 86400
	f.Fuzz(func(t *testing.T, tsel, zsel uint8, entry, dur, paid, paidAfter int64, ckind uint8, cval int64,
		slotFrom, slotTo uint16, winFrom, winLen int64) {
		tf := tariffs[int(tsel)%len(tariffs)]
		if dur < 0 {
			dur = -dur
		}
		if dur >= 0 {
			dur %= tenYears + 1
		}
		in := &Input{
			Entry: time.Unix(entry, 0), Exit: time.Unix(entry, 0).Add(time.Duration(dur) * time.Second),
			Loc: locs[int(zsel)%len(locs)], Class: classes[int(zsel)%len(classes)],
			Paid:      paid,
			FreeSlots: []Slot{{From: int(slotFrom), To: int(slotTo)}},
			FreeWindows: []Window{{From: time.Unix(entry, 0).Add(time.Duration(winFrom%tenYears) * time.Second),
				To: time.Unix(entry, 0).Add(time.Duration(winFrom%tenYears+winLen%tenYears) * time.Second)}},
			Coupons: []Coupon{{Kind: CouponKind(ckind % 7), Minutes: int(cval), Hours: int(cval >> 8),
				Amount: cval, Percent: int(cval)}},
		}
		if paidAfter >= 0 {
			in.PaidUntil = in.Entry.Add(time.Duration(paidAfter%tenYears) * time.Second)
		}
		if zsel&0x80 != 0 {
			in.FreeSlots, in.FreeWindows = nil, nil
		}
		r := tf.Price(in, nil)
		if r.Gross < 0 || r.Discount < 0 || r.Total < 0 || r.Due < 0 {
			t.Fatalf("negative amount %+v", r)
		}
		if r.Discount > r.Gross || r.Total != r.Gross-r.Discount || r.Due > r.Total {
			t.Fatalf("inconsistent %+v", r)
		}
		if p := tf.planFor(in.Class); p.stayCap > 0 && r.Gross > p.stayCap {
			t.Fatalf("gross %d over stay cap %d", r.Gross, p.stayCap)
		}
		checkLines(t, in, r)
	})
}
