package deliverytest

import (
	"testing"
	"time"

	"parkd/internal/billing"
	"parkd/internal/gate"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// The story's instants, in UTC; the lot is in Asia/Shanghai (UTC+8), so
// 07:00Z is 15:00 there. systemtest's clock starts at 07:00Z.
var (
	AIn       = time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC)  // car A enters at in-1
	BIn       = time.Date(2026, 11, 23, 7, 30, 0, 0, time.UTC) // car B enters at in-1
	CouponAt  = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)  // A gets a 3.00 coupon
	PayAt     = time.Date(2026, 11, 23, 9, 10, 0, 0, time.UTC) // A pays what its quote says
	AOut      = time.Date(2026, 11, 23, 9, 12, 0, 0, time.UTC) // A leaves at out-1
	LiftAt    = time.Date(2026, 11, 23, 9, 20, 0, 0, time.UTC) // a guard opens out-1
	DownAt    = time.Date(2026, 11, 23, 9, 25, 0, 0, time.UTC) // in-1's barrier does not answer
	BackAt    = time.Date(2026, 11, 23, 9, 26, 0, 0, time.UTC) // in-1's barrier answers again
	HoldAt    = time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC) // a guard holds out-1 open
	BOut      = time.Date(2026, 11, 23, 9, 40, 0, 0, time.UTC) // B leaves through out-1, unpaid
	ReleaseAt = time.Date(2026, 11, 23, 9, 45, 0, 0, time.UTC) // out-1 works as usual again
	RenameAt  = time.Date(2026, 11, 23, 9, 50, 0, 0, time.UTC) // the lot is renamed
)

// The story's cars and what the operator and the partner do.
const (
	PlateA       = "京A12345"
	PlateB       = "京B67890"
	CouponID     = "MALL-0001"
	CouponValue  = 300 // fen
	Merchant     = "二楼餐厅"
	PayMethod    = "wechat"
	PayReference = "wx-0001"
	Guard        = "guard-1"
	LotName      = "Test 140123001 (east gate)"
)

// Story is what happened, for the tests to find each report by.
type Story struct {
	StayA, StayB string
	PaidA        int64  // what A's quote asked and A paid
	QuoteA       string // the quote A paid
}

// RunStory plays, on b's lot (systemtest's TestTariff: 15 free minutes,
// then 200 per started 30 minutes from entry), a story that makes every
// report the gate writes: two entries; a coupon, a payment and a paid
// exit (exit, order); a guard's manual open (abnormal lift); a barrier
// that does not answer, then does (device status twice); a lane held
// open and an unpaid car through it (abnormal lift, exit, order); and a
// renamed lot (lot info). issuer is a partner that may use the lot, the
// coupon's. The clock is set to each step's instant.
func RunStory(t *testing.T, b *systemtest.Bundle, issuer string) Story {
	t.Helper()
	ctx := b.Ctx
	at := func(when time.Time) { b.Clock.Set(when) }
	event := func(id, typ, plate, lane string, when time.Time) park.Decision {
		t.Helper()
		at(when)
		d, err := b.Sys.Gate.HandleEvent(ctx, gate.EventInput{LotCode: b.Lot, ID: id, Type: typ, Plate: plate, Lane: lane, At: when,
			PlateColor: "blue", ImageURL: "https://img.example.com/" + id + ".jpg"})
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		return d
	}
	command := func(when time.Time, lane, cmd, by, reason string) error {
		t.Helper()
		at(when)
		_, err := b.Sys.Gate.SendGateCommand(ctx, gate.GateCommandInput{LotCode: b.Lot, Lane: lane, Command: cmd, By: by, Reason: reason})
		return err
	}
	var s Story
	s.StayA = event("story-a-in", park.EventEntry, PlateA, "in-1", AIn).StayID
	s.StayB = event("story-b-in", park.EventEntry, PlateB, "in-1", BIn).StayID

	at(CouponAt)
	if _, err := b.Sys.Billing.IssueCoupon(ctx, billing.CouponInput{LotCode: b.Lot, ID: CouponID, Plate: PlateA, Kind: park.CouponAmount,
		Value: CouponValue, Merchant: Merchant, ValidFrom: CouponAt, ValidTo: CouponAt.Add(15 * time.Hour), Issuer: issuer}); err != nil {
		t.Fatalf("coupon: %v", err)
	}
	at(PayAt)
	q, err := b.Sys.Billing.CreateQuote(ctx, s.StayA, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sys.Billing.Pay(ctx, park.PaymentRequest{QuoteID: q.ID, Amount: q.AmountDue, Method: PayMethod, Reference: PayReference}); err != nil {
		t.Fatal(err)
	}
	s.PaidA, s.QuoteA = q.AmountDue, q.ID
	if d := event("story-a-out", park.EventExit, PlateA, "out-1", AOut); d.Decision != park.DecisionOpen {
		t.Fatalf("A's exit: %+v", d)
	}

	if err := command(LiftAt, "out-1", park.GateOpen, Guard, "ticket jam"); err != nil {
		t.Fatal(err)
	}
	b.Barriers.SetReachable(b.Lot, "in-1", false)
	if err := command(DownAt, "in-1", park.GateClose, "operator", ""); !park.IsCode(err, park.EUnavailable) {
		t.Fatalf("a command to a barrier that does not answer: %v", err)
	}
	b.Barriers.SetReachable(b.Lot, "in-1", true)
	if err := command(BackAt, "in-1", park.GateClose, "operator", ""); err != nil {
		t.Fatal(err)
	}
	if err := command(HoldAt, "out-1", park.GateHoldOpen, Guard, "concert night"); err != nil {
		t.Fatal(err)
	}
	if d := event("story-b-out", park.EventExit, PlateB, "out-1", BOut); d.Decision != park.DecisionOpen || d.Reason != park.ReasonHeldOpen {
		t.Fatalf("B's exit through the held lane: %+v", d)
	}
	if err := command(ReleaseAt, "out-1", park.GateRelease, Guard, ""); err != nil {
		t.Fatal(err)
	}
	at(RenameAt)
	if _, err := b.Sys.Gate.UpdateLot(ctx, b.Lot, func(l *park.Lot) error { l.Name = LotName; return nil }); err != nil {
		t.Fatal(err)
	}
	return s
}

// StoryReports is how many reports the story writes for a partner
// subscribed to every kind the gate reports: 2 entries, 2 exits, 2
// orders, 2 abnormal lifts of commands (open, hold open) and 1 of a car
// through the held lane, 2 device statuses, 1 lot info.
const StoryReports = 12
