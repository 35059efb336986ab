package gate_test

import (
	"fmt"
	"testing"

	"parkd/internal/gate"
	"parkd/internal/park"
	"parkd/internal/plate"
)

// TestEnterPlateless: a plate-less car entering through a partner gets a
// temporary identity it pays and leaves with; a request id makes the
// entry idempotent for that partner; a full lot holds the car and records
// nothing.
func TestEnterPlateless(t *testing.T) {
	b := setup(t)
	b.partner(t, "app", b.Lot)
	b.partner(t, "other", b.Lot)
	// Lanes are the ones the lot's cameras reported.
	if _, err := b.Sys.Gate.HandleEvent(b.Ctx, gate.EventInput{LotCode: b.Lot, ID: "cam-in-2", Type: park.EventEntry,
		Plate: "京C00001", Lane: "in-2", At: b.Clock.Now()}); err != nil {
		t.Fatal(err)
	}
	b.Event(t, park.EventExit, "京C00001", b.Clock.Now()) // lane out-1
	for _, c := range []struct {
		lane  string
		code  park.Code
		field string
	}{{"in-9", park.ENotFound, "lane"}, {"out-1", park.EInvalid, "lane"}} {
		_, _, err := b.Sys.Gate.EnterPlateless(b.Ctx, gate.PlatelessEntry{Lot: b.Lot, Lane: c.lane, Source: "app"})
		if pe, ok := err.(*park.Error); !ok || pe.Code != c.code || pe.Field != c.field {
			t.Fatalf("entry through lane %s: %v, want %s naming %s", c.lane, err, c.code, c.field)
		}
	}
	if n := b.Occupied(t); n != 0 {
		t.Fatalf("%d inside after refused entries, want 0", n)
	}
	if _, err := b.Sys.Gate.LaneHold(b.Ctx, b.Lot, "in-9"); !park.IsCode(err, park.ENotFound) {
		t.Fatalf("a refused lane became a lane: %v", err)
	}
	in := gate.PlatelessEntry{Lot: b.Lot, Lane: "in-2", Source: "app", RequestID: "qr-1"}
	st, l, err := b.Sys.Gate.EnterPlateless(b.Ctx, in)
	if err != nil || l.Code != b.Lot || st.EntryLane != "in-2" || !st.EntryAt.Equal(b.Clock.Now()) {
		t.Fatalf("entry %+v %+v, %v", st, l, err)
	}
	if p, err := plate.Normalize(st.Plate); err != nil || p.Kind != plate.KindNoPlate {
		t.Fatalf("identity %q is not a temporary one: %v", st.Plate, err)
	}
	again, _, err := b.Sys.Gate.EnterPlateless(b.Ctx, in)
	if err != nil || again.ID != st.ID || b.Occupied(t) != 1 {
		t.Fatalf("repeat %+v, %v; %d inside", again, err, b.Occupied(t))
	}
	// The same request id from another partner is another car.
	other, _, err := b.Sys.Gate.EnterPlateless(b.Ctx, gate.PlatelessEntry{Lot: b.Lot, Lane: "in-2", Source: "other", RequestID: "qr-1"})
	if err != nil || other.ID == st.ID {
		t.Fatalf("another partner's request %+v, %v", other, err)
	}
	// It leaves with its identity; within the free 15 minutes, free.
	wantDecision(t, b.Event(t, park.EventExit, st.Plate, b.Clock.Now()), park.DecisionOpen, park.ReasonFree, 0)

	_, _, err = b.Sys.Gate.EnterPlateless(b.Ctx, gate.PlatelessEntry{Lot: b.Lot, Lane: "in-2", Source: "app", RequestID: "a b"})
	if pe, ok := err.(*park.Error); !ok || pe.Code != park.EInvalid || pe.Field != "request_id" {
		t.Fatalf("bad request id: %#v", err)
	}
	// Fill the lot's 10 spaces (one is the other partner's car).
	for i := range 9 {
		wantDecision(t, b.Event(t, park.EventEntry, fmt.Sprintf("京A1000%d", i), b.Clock.Now()), park.DecisionOpen, park.ReasonVisitor, 0)
	}
	_, _, err = b.Sys.Gate.EnterPlateless(b.Ctx, gate.PlatelessEntry{Lot: b.Lot, Lane: "in-2", Source: "app"})
	wantCode(t, err, park.ELotFull)
	if n := b.Occupied(t); n != 10 {
		t.Fatalf("%d inside after a held entry, want 10", n)
	}
	_, _, err = b.Sys.Gate.EnterPlateless(b.Ctx, gate.PlatelessEntry{Lot: "nope", Lane: "in-2", Source: "app"})
	wantCode(t, err, park.ENotFound)
}

// TestPlatelessRequestIDReusedForAnotherLane: a partner's request id names
// one entry; the same id through another lane is another entry, refused
// (naming the request id) rather than answered with the first car's stay.
func TestPlatelessRequestIDReusedForAnotherLane(t *testing.T) {
	b := setup(t)
	b.partner(t, "app", b.Lot)
	for _, lane := range []string{"in-1", "in-2"} {
		if _, err := b.Sys.Gate.HandleEvent(b.Ctx, gate.EventInput{LotCode: b.Lot, ID: "cam-" + lane, Type: park.EventEntry,
			Plate: "京C0000" + lane[3:], Lane: lane, At: b.Clock.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := b.Sys.Gate.EnterPlateless(b.Ctx, gate.PlatelessEntry{Lot: b.Lot, Lane: "in-1", Source: "app", RequestID: "qr-1"}); err != nil {
		t.Fatal(err)
	}
	_, _, err := b.Sys.Gate.EnterPlateless(b.Ctx, gate.PlatelessEntry{Lot: b.Lot, Lane: "in-2", Source: "app", RequestID: "qr-1"})
	if pe, ok := err.(*park.Error); !ok || pe.Code != park.EConflict || pe.Field != "request_id" {
		t.Fatalf("the request id again through another lane: %#v, want a conflict naming request_id", err)
	}
	if n := b.Occupied(t); n != 3 {
		t.Fatalf("%d inside, want 3 (two cars and one plate-less)", n)
	}
}
