package partners_test

import (
	"errors"
	"testing"
	"time"

	"parkd/internal/park"
	"parkd/internal/partners"
	"parkd/internal/systemtest"
)

// TestLookupReadsLotAndPlateTogether: a partner's look-up by plate in a
// lot (the fee query) reads the lot's settings and the plate's records
// once and together (one statement, one round trip on PostgreSQL), and
// the car's open stay once (with them where the store joins it); one in
// every lot (Linkc's) reads them together once it has found the car. The
// answers are as before: the amount due, a quote for it, and an unknown
// plate not found (field plate).
func TestLookupReadsLotAndPlateTogether(t *testing.T) {
	var n systemtest.LotReads
	b := systemtest.NewWith(t, systemtest.Options{WrapTx: n.Wrap})
	p, err := b.Sys.Partners.CreatePartner(b.Ctx, &park.Partner{ID: "app", Name: "App", Dialect: "api-one",
		Type: park.PartnerNormal, Lots: []string{b.Lot}})
	if err != nil {
		t.Fatal(err)
	}
	now := b.Clock.Now()
	b.Event(t, park.EventEntry, "京A12345", now.Add(-130*time.Minute))
	// found: how many times the look-up needs the car's open stay.
	want := func(step string, together, found int64) {
		t.Helper()
		l, pl, both := n.Lot.Load(), n.Plate.Load(), n.Both.Load()
		if l != 0 || pl != 0 || both != together || !n.StayFound(found) {
			t.Errorf("%s: the lot read %d times, the plate's records %d, both together %d, the open stay %d with them and %d after; want together %d, the stay %d in all",
				step, l, pl, both, n.Joined.Load(), n.Inside.Load(), together, found)
		}
		n.Reset()
	}
	n.Reset() // the entry's reads
	// 2 h 10 min is 5 started half hours: 5 × 2.00 = 10.00 due.
	st, err := b.Sys.Partners.LookupStay(b.Ctx, p, partners.StayLookup{Lot: b.Lot, Plate: "京A12345"})
	if err != nil || st.Due != 1000 || st.Quote == nil || st.Quote.AmountDue != 1000 {
		t.Fatalf("look-up: %+v, %v; want 1000 due and a quote for it", st, err)
	}
	want("look-up of a car inside", 1, 1)
	peek, err := b.Sys.Partners.LookupStay(b.Ctx, p, partners.StayLookup{Lot: b.Lot, Plate: "京A12345", Peek: true})
	if err != nil || peek.Due != 1000 || peek.Quote != nil {
		t.Fatalf("peek: %+v, %v; want 1000 due and no quote", peek, err)
	}
	want("peek at a car inside", 1, 1)
	_, err = b.Sys.Partners.LookupStay(b.Ctx, p, partners.StayLookup{Lot: b.Lot, Plate: "京B99999"})
	var pe *park.Error
	if !errors.As(err, &pe) || pe.Code != park.ENotFound || pe.Field != "plate" {
		t.Fatalf("an unknown plate: %v, want not found (field plate)", err)
	}
	// No record of it inside: the car is not looked for.
	want("look-up of an unknown plate", 1, 0)

	// In every lot of the partner (Linkc's look-up): the one statement
	// over its lots finds the car, then its lot and records are one read.
	across, err := b.Sys.Partners.LookupStay(b.Ctx, p, partners.StayLookup{Plate: "京A12345", Peek: true})
	if err != nil || across.Due != 1000 || across.Lot.Code != b.Lot {
		t.Fatalf("look-up in every lot: %+v, %v; want 1000 due in %s", across, err, b.Lot)
	}
	want("look-up in every lot", 1, 0)
	_, err = b.Sys.Partners.LookupStay(b.Ctx, p, partners.StayLookup{Plate: "京B99999"})
	if !errors.As(err, &pe) || pe.Code != park.ENotFound || pe.Field != "plate" {
		t.Fatalf("an unknown plate in every lot: %v, want not found (field plate)", err)
	}
	want("look-up of an unknown plate in every lot", 0, 0)
}
