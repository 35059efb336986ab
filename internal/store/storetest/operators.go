package storetest

import (
	"context"
	"fmt"
	"maps"
	"testing"
	"time"

	"parkd/internal/park"
)

// testOperators: console operators keep their role and lots, change only
// at the version read, and a name is taken once.
func testOperators(t *testing.T, s park.Store) {
	ctx := context.Background()
	o := &park.Operator{Name: "ana", Role: park.RoleLotOperator, Lots: []string{"L1", "L2"}, Language: "pt",
		PasswordHash: "$argon2id$x", CreatedAt: base, UpdatedAt: base}
	must(t, update(t, s, func(tx park.Tx) error { return tx.CreateOperator(ctx, o) }))
	admin := &park.Operator{Name: "root", Role: park.RoleAdmin, Language: "en", PasswordHash: "h", CreatedAt: base, UpdatedAt: base}
	must(t, update(t, s, func(tx park.Tx) error { return tx.CreateOperator(ctx, admin) }))
	wantCode(t, update(t, s, func(tx park.Tx) error {
		return tx.CreateOperator(ctx, &park.Operator{Name: "ana", Role: park.RoleAdmin, Language: "en", CreatedAt: base, UpdatedAt: base})
	}), park.EConflict)

	get := func(name string) *park.Operator {
		t.Helper()
		var got *park.Operator
		must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetOperator(ctx, name); return }))
		return got
	}
	got := get("ana")
	if got.Role != park.RoleLotOperator || fmt.Sprint(got.Lots) != "[L1 L2]" || got.Language != "pt" ||
		got.PasswordHash != "$argon2id$x" || got.Disabled || got.Version != 1 || !got.CreatedAt.Equal(base.Truncate(park.Precision)) {
		t.Fatalf("got %+v", got)
	}
	if r := get("root"); r.Lots != nil {
		t.Fatalf("an admin's lots read back as %#v, want none", r.Lots)
	}
	wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetOperator(ctx, "nobody"); return err }), park.ENotFound)

	var list []*park.Operator
	must(t, s.View(ctx, func(tx park.Tx) (err error) { list, err = tx.ListOperators(ctx); return }))
	if len(list) != 2 || list[0].Name != "ana" || list[1].Name != "root" {
		t.Fatalf("list %+v", list)
	}

	// Two writers read version 1; the second loses.
	a, b := *got, *got
	a.Disabled, a.UpdatedAt = true, base.Add(time.Minute)
	must(t, update(t, s, func(tx park.Tx) error { return tx.UpdateOperator(ctx, &a) }))
	if a.Version != 2 {
		t.Fatalf("version after update %d, want 2", a.Version)
	}
	b.Role, b.Lots = park.RoleReadOnly, nil
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.UpdateOperator(ctx, &b) }), park.EConflict)
	if g := get("ana"); !g.Disabled || g.Role != park.RoleLotOperator || g.Version != 2 {
		t.Fatalf("after the lost update: %+v", g)
	}
	gone := park.Operator{Name: "nobody", Version: 1, Role: park.RoleAdmin}
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.UpdateOperator(ctx, &gone) }), park.ENotFound)
}

// testSessions: sessions are found by hash, revoked one by one or all of
// an operator's at once, and cleaned up once expired.
func testSessions(t *testing.T, s park.Store) {
	ctx := context.Background()
	for _, n := range []string{"ana", "bo"} {
		must(t, update(t, s, func(tx park.Tx) error {
			return tx.CreateOperator(ctx, &park.Operator{Name: n, Role: park.RoleAdmin, Language: "en", PasswordHash: "h",
				CreatedAt: base, UpdatedAt: base})
		}))
	}
	ins := func(hash, op string, expires time.Time) {
		t.Helper()
		must(t, update(t, s, func(tx park.Tx) error {
			return tx.InsertSession(ctx, &park.Session{Hash: hash, Operator: op, CSRF: "csrf-" + hash, Source: "10.0.0.1",
				CreatedAt: base, ExpiresAt: expires})
		}))
	}
	ins("h1", "ana", base.Add(time.Hour))
	ins("h2", "ana", base.Add(2*time.Hour))
	ins("h3", "bo", base.Add(time.Hour))
	wantCode(t, update(t, s, func(tx park.Tx) error {
		return tx.InsertSession(ctx, &park.Session{Hash: "h1", Operator: "bo", CreatedAt: base, ExpiresAt: base})
	}), park.EConflict)
	wantCode(t, update(t, s, func(tx park.Tx) error {
		return tx.InsertSession(ctx, &park.Session{Hash: "h9", Operator: "nobody", CreatedAt: base, ExpiresAt: base})
	}), park.ENotFound)

	get := func(hash string) *park.Session {
		t.Helper()
		var got *park.Session
		must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetSession(ctx, hash); return }))
		return got
	}
	g := get("h1")
	if g.Operator != "ana" || g.CSRF != "csrf-h1" || g.Source != "10.0.0.1" || !g.RevokedAt.IsZero() ||
		!g.ExpiresAt.Equal(base.Add(time.Hour).Truncate(park.Precision)) || !g.Live(base) || g.Live(base.Add(time.Hour)) {
		t.Fatalf("session %+v", g)
	}
	wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetSession(ctx, "nope"); return err }), park.ENotFound)

	at := base.Add(10 * time.Minute)
	must(t, update(t, s, func(tx park.Tx) error { return tx.RevokeSession(ctx, "h1", at) }))
	if g := get("h1"); !g.RevokedAt.Equal(at.Truncate(park.Precision)) || g.Live(base) {
		t.Fatalf("revoked session %+v", g)
	}
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.RevokeSession(ctx, "h1", at) }), park.ENotFound)

	var n int
	must(t, update(t, s, func(tx park.Tx) (err error) { n, err = tx.RevokeOperatorSessions(ctx, "ana", at); return }))
	if n != 1 || get("h2").Live(base) || !get("h3").Live(base) {
		t.Fatalf("revoked %d of ana's sessions (want 1, h2); bo's h3 must stay live", n)
	}

	// h1 and h3 expired before base+90m; h2 did not.
	must(t, update(t, s, func(tx park.Tx) (err error) {
		n, err = tx.DeleteSessionsBefore(ctx, base.Add(90*time.Minute), 10)
		return
	}))
	if n != 2 {
		t.Fatalf("deleted %d expired sessions, want 2", n)
	}
	wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetSession(ctx, "h3"); return err }), park.ENotFound)
	get("h2")
}

// testAudit: the audit log lists newest first, by lot and by actor; and a
// lot's payments sum by the instant they were paid.
func testAudit(t *testing.T, s park.Store) {
	ctx := context.Background()
	add := func(id, actor, lot string, at int) {
		t.Helper()
		must(t, update(t, s, func(tx park.Tx) error {
			return tx.InsertAudit(ctx, &park.AuditEntry{ID: id, At: base.Add(time.Duration(at) * time.Second), Actor: actor,
				Action: "tariff.update", Lot: lot, Target: lot, Reason: "why " + id, Before: `{"a":1}`, After: `{"a":2}`})
		}))
	}
	add("a1", "ana", "L1", 1)
	add("a2", "bo", "L2", 2)
	add("a3", "ana", "L2", 3)
	wantCode(t, update(t, s, func(tx park.Tx) error {
		return tx.InsertAudit(ctx, &park.AuditEntry{ID: "a1", At: base, Actor: "x", Action: "y", Target: "z"})
	}), park.EConflict)
	ids := func(f park.AuditFilter) string {
		t.Helper()
		var es []*park.AuditEntry
		must(t, s.View(ctx, func(tx park.Tx) (err error) { es, err = tx.ListAudit(ctx, f); return }))
		var out []string
		for _, e := range es {
			out = append(out, e.ID)
		}
		return fmt.Sprint(out)
	}
	for _, c := range []struct {
		f    park.AuditFilter
		want string
	}{
		{park.AuditFilter{Limit: 10}, "[a3 a2 a1]"},
		{park.AuditFilter{Limit: 2}, "[a3 a2]"},
		{park.AuditFilter{Lot: "L2", Limit: 10}, "[a3 a2]"},
		{park.AuditFilter{Actor: "ana", Limit: 10}, "[a3 a1]"},
		{park.AuditFilter{Actor: "ana", Lot: "L1", Limit: 10}, "[a1]"},
		{park.AuditFilter{Lot: "L9", Limit: 10}, "[]"},
		// Lots keeps the entries of those lots only, Lot among them.
		{park.AuditFilter{Lots: []string{"L1", "L2"}, Limit: 10}, "[a3 a2 a1]"},
		{park.AuditFilter{Lots: []string{"L1", "L9"}, Limit: 10}, "[a1]"},
		{park.AuditFilter{Lots: []string{"L1", "L2"}, Actor: "ana", Limit: 10}, "[a3 a1]"},
		{park.AuditFilter{Lots: []string{"L1", "L2"}, Lot: "L2", Limit: 1}, "[a3]"},
		{park.AuditFilter{Lots: []string{"L1"}, Lot: "L2", Limit: 10}, "[]"},
		{park.AuditFilter{Lots: []string{}, Limit: 10}, "[]"},
	} {
		if got := ids(c.f); got != c.want {
			t.Errorf("%+v: got %s, want %s", c.f, got, c.want)
		}
	}
	// Paging: the entries older than a page's last one.
	var first []*park.AuditEntry
	must(t, s.View(ctx, func(tx park.Tx) (err error) { first, err = tx.ListAudit(ctx, park.AuditFilter{Limit: 2}); return }))
	if got := ids(park.AuditFilter{Limit: 2, BeforeSeq: first[1].Seq}); got != "[a1]" {
		t.Errorf("the page after [a3 a2]: %s, want [a1]", got)
	}
	if got := ids(park.AuditFilter{Lots: []string{"L2", "L1"}, Limit: 2, BeforeSeq: first[1].Seq}); got != "[a1]" {
		t.Errorf("L1's and L2's entries after [a3 a2]: %s, want [a1]", got)
	}
	if got := ids(park.AuditFilter{Actor: "ana", Limit: 10, BeforeSeq: first[0].Seq}); got != "[a1]" {
		t.Errorf("ana's entries before a3: %s, want [a1]", got)
	}
	var es []*park.AuditEntry
	must(t, s.View(ctx, func(tx park.Tx) (err error) {
		es, err = tx.ListAudit(ctx, park.AuditFilter{Lot: "L1", Limit: 1})
		return
	}))
	if e := es[0]; e.Actor != "ana" || e.Action != "tariff.update" || e.Reason != "why a1" || e.Before != `{"a":1}` ||
		e.After != `{"a":2}` || !e.At.Equal(base.Add(time.Second).Truncate(park.Precision)) {
		t.Fatalf("entry %+v", e)
	}

	// Payments: 700 at base, 300 at base+1h in L1; 50 in L2.
	seedLot(t, s, "L1")
	seedLot(t, s, "L2")
	pay := func(lot, id string, amount int64, at time.Time) {
		t.Helper()
		must(t, update(t, s, func(tx park.Tx) error {
			if err := tx.InsertStay(ctx, newStay(lot, "s"+id, "K"+id, "100"+id)); err != nil {
				return err
			}
			if err := tx.InsertQuote(ctx, &park.Quote{ID: "q" + id, StayID: "s" + id, LotCode: lot, AmountDue: amount,
				Total: amount, Currency: "CNY", ComputedAt: at, ExpiresAt: at.Add(time.Minute), Lines: []park.Line{}}); err != nil {
				return err
			}
			return tx.InsertPayment(ctx, &park.Payment{ID: "p" + id, QuoteID: "q" + id, StayID: "s" + id, LotCode: lot,
				Amount: amount, Currency: "CNY", Method: "cash", PaidAt: at, PaidUntil: at})
		}))
	}
	pay("L1", "1", 700, base)
	pay("L1", "2", 300, base.Add(time.Hour))
	pay("L2", "3", 50, base)
	sum := func(lot string, from, to time.Time) park.PaymentSum {
		t.Helper()
		var ps park.PaymentSum
		must(t, s.View(ctx, func(tx park.Tx) error {
			sums, err := tx.SumPayments(ctx, []string{lot}, from, to)
			ps = sums[lot]
			return err
		}))
		return ps
	}
	if got := sum("L1", base, base.Add(2*time.Hour)); got != (park.PaymentSum{Amount: 1000, Count: 2}) {
		t.Errorf("L1 both: %+v", got)
	}
	if got := sum("L1", base.Truncate(park.Precision), base.Add(time.Hour).Truncate(park.Precision)); got != (park.PaymentSum{Amount: 700, Count: 1}) {
		t.Errorf("L1 [base, base+1h): %+v, want only the first (the end is excluded)", got)
	}
	if got := sum("L9", base, base.Add(2*time.Hour)); got != (park.PaymentSum{}) {
		t.Errorf("no payments: %+v", got)
	}
	// Several lots at once, each its own sum; one without payments absent.
	var sums map[string]park.PaymentSum
	must(t, s.View(ctx, func(tx park.Tx) (err error) {
		sums, err = tx.SumPayments(ctx, []string{"L1", "L2", "L9"}, base, base.Add(2*time.Hour))
		return
	}))
	if want := map[string]park.PaymentSum{"L1": {Amount: 1000, Count: 2}, "L2": {Amount: 50, Count: 1}}; !maps.Equal(sums, want) {
		t.Errorf("L1, L2 and L9 at once: %+v, want %+v", sums, want)
	}

	// Stays that left L1: 1000 (300 off, 700 paid) at base+1h, 500 (all
	// paid) at base+3h; one still inside; one coupon used at base+1h.
	left := func(id string, exit time.Time, total, discount, paid int64) {
		t.Helper()
		st := newStay("L1", id, "K"+id, "200"+id)
		st.State, st.ExitAt, st.ExitLane, st.Total, st.Discount, st.Paid = park.StayOut, &exit, "out-1", total, discount, paid
		must(t, update(t, s, func(tx park.Tx) error { return tx.InsertStay(ctx, st) }))
	}
	left("x1", base.Add(time.Hour), 1000, 300, 700)
	left("x2", base.Add(3*time.Hour), 500, 0, 500)
	coupon := func(id, key string) *park.Coupon {
		return &park.Coupon{ID: id, LotCode: "L1", Plate: key, PlateKey: key, Kind: park.CouponMinutes, Value: 60, Issuer: "mall",
			ValidFrom: base, ValidTo: base.Add(24 * time.Hour), State: park.CouponIssued, CreatedAt: base, UpdatedAt: base}
	}
	used := coupon("CU", "Kx1")
	usedAt := base.Add(time.Hour)
	must(t, update(t, s, func(tx park.Tx) error { return tx.CreateCoupon(ctx, used) }))
	used.State, used.UsedAt, used.StayID, used.UpdatedAt = park.CouponUsed, &usedAt, "x1", usedAt
	must(t, update(t, s, func(tx park.Tx) error { return tx.UpdateCoupon(ctx, used) }))
	must(t, update(t, s, func(tx park.Tx) error { return tx.CreateCoupon(ctx, coupon("CN", "Kx2")) }))
	// x3 left at base+90m: 800, 500 off by a coupon it used when it paid,
	// at base-30m, before the period began. i1 is still inside, its coupon
	// used at base+30m when it paid. The period's coupons are those of the
	// stays that left in it, whenever they were used: x1's and x3's, the
	// coupons behind the 300+500 = 800 discount, not i1's.
	left("x3", base.Add(90*time.Minute), 800, 500, 300)
	useAt := func(id, key, stay string, at time.Time) {
		t.Helper()
		c := coupon(id, key)
		c.ValidFrom, c.CreatedAt, c.UpdatedAt = base.Add(-time.Hour), base.Add(-time.Hour), base.Add(-time.Hour)
		must(t, update(t, s, func(tx park.Tx) error { return tx.CreateCoupon(ctx, c) }))
		c.State, c.UsedAt, c.StayID, c.UpdatedAt = park.CouponUsed, &at, stay, at
		must(t, update(t, s, func(tx park.Tx) error { return tx.UpdateCoupon(ctx, c) }))
	}
	useAt("CX3", "Kx3", "x3", base.Add(-30*time.Minute))
	must(t, update(t, s, func(tx park.Tx) error { return tx.InsertStay(ctx, newStay("L1", "i1", "Ki1", "200i1")) }))
	useAt("CI1", "Ki1", "i1", base.Add(30*time.Minute))
	// L2: one stay of 80 (all paid) left at base+30m, no coupon used.
	l2 := newStay("L2", "y1", "Ky1", "300y1")
	l2Exit := base.Add(30 * time.Minute)
	l2.State, l2.ExitAt, l2.ExitLane, l2.Total, l2.Paid = park.StayOut, &l2Exit, "out-1", 80, 80
	must(t, update(t, s, func(tx park.Tx) error { return tx.InsertStay(ctx, l2) }))
	var days map[string]park.DaySums
	left2 := func(to time.Time) {
		t.Helper()
		must(t, s.View(ctx, func(tx park.Tx) (err error) {
			days, err = tx.SumStaysLeft(ctx, []string{"L1", "L2", "L9"}, base, to)
			return
		}))
	}
	// [base, base+2h): x1 and x3 left: 1000+800 = 1800, 300+500 = 800
	// off, 700+300 = 1000 paid, their two coupons.
	left2(base.Add(2 * time.Hour))
	if want := map[string]park.DaySums{"L1": {Left: 2, Total: 1800, Discount: 800, Paid: 1000, CouponsUsed: 2},
		"L2": {Left: 1, Total: 80, Paid: 80}}; !maps.Equal(days, want) {
		t.Errorf("left in [base, base+2h): %+v, want %+v", days, want)
	}
	// [base+1h, base+2h): the same two stays (x1 left at its start), so
	// the same two coupons, though only x1's was used in it.
	must(t, s.View(ctx, func(tx park.Tx) (err error) {
		days, err = tx.SumStaysLeft(ctx, []string{"L1"}, base.Add(time.Hour), base.Add(2*time.Hour))
		return
	}))
	if want := map[string]park.DaySums{"L1": {Left: 2, Total: 1800, Discount: 800, Paid: 1000, CouponsUsed: 2}}; !maps.Equal(days, want) {
		t.Errorf("left in [base+1h, base+2h): %+v, want %+v", days, want)
	}
	// [base, base+4h): x2 too: 1800+500 = 2300, 1000+500 = 1500 paid.
	left2(base.Add(4 * time.Hour))
	if want := map[string]park.DaySums{"L1": {Left: 3, Total: 2300, Discount: 800, Paid: 1500, CouponsUsed: 2},
		"L2": {Left: 1, Total: 80, Paid: 80}}; !maps.Equal(days, want) {
		t.Errorf("left in [base, base+4h): %+v, want %+v", days, want)
	}
}

// testLaneEvents: the lanes page lists a lot's lanes and follows its
// newest events by the instant they were received.
func testLaneEvents(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	seedLot(t, s, "L2")
	for _, l := range []*park.Lane{
		{LotCode: "L1", ID: "out-1", Direction: park.DirectionOut, CreatedAt: base},
		{LotCode: "L1", ID: "in-1", Direction: park.DirectionIn, CreatedAt: base},
		{LotCode: "L2", ID: "in-9", Direction: park.DirectionIn, CreatedAt: base},
	} {
		must(t, update(t, s, func(tx park.Tx) error { return tx.CreateLane(ctx, l) }))
	}
	var lanes []*park.Lane
	must(t, s.View(ctx, func(tx park.Tx) (err error) { lanes, err = tx.ListLanes(ctx, "L1"); return }))
	if len(lanes) != 2 || lanes[0].ID != "in-1" || lanes[1].ID != "out-1" || lanes[1].Direction != park.DirectionOut {
		t.Fatalf("lanes %+v", lanes)
	}
	ev := func(lot, id string, sec int) {
		t.Helper()
		at := base.Add(time.Duration(sec) * time.Second)
		must(t, update(t, s, func(tx park.Tx) error {
			return tx.InsertEvent(ctx, &park.Event{ID: id, LotCode: lot, Type: park.EventEntry, Plate: "P" + id, Lane: "in-1",
				At: at, ReceivedAt: at, Decision: park.Decision{Decision: park.DecisionOpen, Reason: park.ReasonVisitor}})
		}))
	}
	ev("L1", "e1", 1)
	ev("L1", "e2", 2)
	ev("L1", "e3", 3)
	ev("L2", "x1", 4)
	ids := func(after time.Time, limit int) string {
		t.Helper()
		var es []*park.Event
		must(t, s.View(ctx, func(tx park.Tx) (err error) { es, err = tx.ListRecentEvents(ctx, "L1", after, limit); return }))
		var out []string
		for _, e := range es {
			out = append(out, e.ID)
		}
		return fmt.Sprint(out)
	}
	if got := ids(base, 10); got != "[e3 e2 e1]" {
		t.Errorf("all: %s", got)
	}
	if got := ids(base.Add(time.Second), 10); got != "[e3 e2]" {
		t.Errorf("after e1: %s", got)
	}
	if got := ids(base, 2); got != "[e3 e2]" {
		t.Errorf("newest two: %s", got)
	}

	// Passages per hour: only events whose barrier opened count.
	pass := func(id, typ, decision string, at time.Time) {
		t.Helper()
		must(t, update(t, s, func(tx park.Tx) error {
			return tx.InsertEvent(ctx, &park.Event{ID: id, LotCode: "L1", Type: typ, Plate: "P" + id, Lane: "out-1", At: at,
				ReceivedAt: at, Decision: park.Decision{Decision: decision, Reason: park.ReasonVisitor}})
		}))
	}
	pass("x2", park.EventExit, park.DecisionOpen, base.Add(time.Hour))
	pass("x3", park.EventExit, park.DecisionHold, base.Add(time.Hour))
	pass("e4", park.EventEntry, park.DecisionOpen, base.Add(2*time.Hour))
	var hours map[string][]park.HourCount
	must(t, s.View(ctx, func(tx park.Tx) (err error) {
		hours, err = tx.CountPassagesByHour(ctx, []string{"L1", "L2", "L9"}, base.Truncate(time.Hour))
		return
	}))
	// Each lot its own: L1's three entries at 08:xx, L2's one (x1).
	h8 := base.Truncate(time.Hour) // 08:00 UTC
	want := map[string][]park.HourCount{
		"L1": {{Hour: h8, Type: park.EventEntry, Count: 3}, {Hour: h8.Add(time.Hour), Type: park.EventExit, Count: 1},
			{Hour: h8.Add(2 * time.Hour), Type: park.EventEntry, Count: 1}},
		"L2": {{Hour: h8, Type: park.EventEntry, Count: 1}}}
	if fmt.Sprint(hours) != fmt.Sprint(want) {
		t.Errorf("passages by hour %v, want %v", hours, want)
	}
}

// testStayMovesByHour: stays counted by the hour they entered and the
// hour they left, since an instant, however they closed; a stay that
// entered before the instant counts only its exit; each lot's apart.
func testStayMovesByHour(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	seedLot(t, s, "L2")
	h8 := base.Truncate(time.Hour) // 08:00 UTC; base is 08:30
	stay := func(lot, id string, in time.Time, out *time.Time) {
		t.Helper()
		st := newStay(lot, id, "K"+id, "200"+id)
		st.EntryAt = in
		if out != nil {
			st.State, st.ExitAt = park.StayOut, out
		}
		must(t, update(t, s, func(tx park.Tx) error { return tx.InsertStay(ctx, st) }))
	}
	at := func(d time.Duration) *time.Time { x := h8.Add(d); return &x }
	stay("L1", "1", h8.Add(-time.Hour), at(30*time.Minute))     // before: only its exit, 08:xx
	stay("L1", "2", h8.Add(-time.Hour), at(-10*time.Minute))    // left before: nothing
	stay("L1", "3", h8.Add(10*time.Minute), at(70*time.Minute)) // in 08:xx, out 09:xx
	stay("L1", "4", h8.Add(20*time.Minute), nil)                // in 08:xx, inside
	stay("L1", "5", h8.Add(2*time.Hour), nil)                   // in 10:xx, inside
	stay("L1", "6", h8.Add(-2*time.Hour), nil)                  // inside since before: nothing
	stay("L2", "7", h8.Add(10*time.Minute), nil)                // another lot
	var got map[string][]park.HourCount
	must(t, s.View(ctx, func(tx park.Tx) (err error) {
		got, err = tx.CountStayMovesByHour(ctx, []string{"L1", "L2", "L9"}, h8)
		return
	}))
	want := map[string][]park.HourCount{
		"L1": {{Hour: h8, Type: park.EventEntry, Count: 2}, {Hour: h8, Type: park.EventExit, Count: 1},
			{Hour: h8.Add(time.Hour), Type: park.EventExit, Count: 1}, {Hour: h8.Add(2 * time.Hour), Type: park.EventEntry, Count: 1}},
		"L2": {{Hour: h8, Type: park.EventEntry, Count: 1}}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("stay moves by hour %v, want %v", got, want)
	}
}
