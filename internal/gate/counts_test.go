package gate_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"parkd/internal/access"
	"parkd/internal/deliveries"
	"parkd/internal/gate"
	"parkd/internal/park"
	"parkd/internal/system"
)

// TestCountsFollowStays drives one lot through long mixed sequences of
// what happens at a gate, on two nodes over one store, and after every
// step recounts the cars inside from the stays themselves: the lot's
// count, its occupancy and free spaces (gate, lot, lot list, remaining
// spaces), each pass's spaces in use, the lot-full decision against
// capacity, what a partner counting entry and exit reports holds (and the
// last occupancy it heard), and the console's cars inside at each hour's
// end must all agree with that recount. Seeded, so a failure names the
// seed and step that reproduce it. TestCountsFollowConcurrentStays adds
// lanes deciding at once (opt-in: it is not deterministic).
func TestCountsFollowStays(t *testing.T) {
	seeds, steps := uint64(4), 120
	if testing.Short() {
		seeds = 1
	}
	if os.Getenv("PARKD_COUNT_SEEDS") != "" { // a longer hunt: PARKD_COUNT_SEEDS=200
		seeds, steps = uint64(must(strconv.Atoi(os.Getenv("PARKD_COUNT_SEEDS")))), 400
	}
	for seed := range seeds {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			c := newCountRun(t, seed)
			for step := range steps {
				c.step = step
				c.randomStep()
				c.check()
			}
		})
	}
}

type countRun struct {
	*bundle
	t      *testing.T
	rng    *rand.Rand
	nodes  []*system.System
	step   int
	what   string
	seq    int
	plates []string
	passes []*park.Pass
	sent   []gate.EventInput // every event sent, for repeats
	// offline holds passages a lane recorded while offline, replayed later.
	offline []gate.EventInput
	orders  int
}

func newCountRun(t *testing.T, seed uint64) *countRun {
	b := setup(t)
	b.Lot = "140123077"
	b.CreateLot(t, b.Lot, 5, park.MissedEntryHold)
	b.partner(t, "p1", b.Lot) // books the reservations
	c := &countRun{bundle: b, t: t, rng: rand.New(rand.NewPCG(seed, 7)), nodes: []*system.System{b.Sys, b.Node()}}
	for i := range 10 {
		c.plates = append(c.plates, fmt.Sprintf("京A%05d", 10000+i))
	}
	now := b.Clock.Now()
	// Three plates share one space; two have a space each.
	for _, ps := range []struct {
		plates []string
		spaces int
	}{{c.plates[0:3], 1}, {c.plates[3:5], 2}} {
		p, err := b.Sys.Access.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "H", Plates: ps.plates, Spaces: ps.spaces,
			ValidFrom: now.Add(-time.Hour), ValidTo: now.Add(90 * 24 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		c.passes = append(c.passes, p)
	}
	for _, kind := range []string{park.ReportEntry, park.ReportExit, park.ReportLotInfo} {
		b.Subscribe(t, kind)
	}
	return c
}

// reported reads what a partner subscribed to the lot heard, oldest
// first: its entry, exit and lot_info reports.
func (c *countRun) reported() []*park.Report {
	var ids []string
	q := deliveries.DeliveryQuery{Limit: park.MaxListLimit}
	for {
		ds, more, err := c.Sys.Deliveries.DeliveryPage(c.Ctx, q)
		if err != nil {
			c.fatalf("deliveries: %v", err)
		}
		for _, d := range ds {
			ids = append(ids, d.ReportID)
		}
		if !more {
			break
		}
		q.BeforeSeq = ds[len(ds)-1].Seq
	}
	var rs []*park.Report
	err := c.Store.View(c.Ctx, func(tx park.Tx) (err error) { rs, err = tx.GetReports(c.Ctx, ids); return err })
	if err != nil {
		c.fatalf("reports: %v", err)
	}
	slices.SortFunc(rs, func(a, b *park.Report) int { return int(a.Seq - b.Seq) })
	return rs
}

// checkReports: a partner that counts the entries and exits it hears of
// counts the stays inside, every closed stay was reported gone once, and
// the last occupancy it heard is the lot's.
func (c *countRun) checkReports(open []*park.Stay, want park.Occupancy) {
	c.t.Helper()
	entered, left := map[string]int{}, map[string]int{}
	var last *park.Occupancy
	for _, r := range c.reported() {
		var d park.ReportData
		if err := json.Unmarshal(r.Data, &d); err != nil {
			c.fatalf("report %s: %v", r.ID, err)
		}
		if d.Occupancy != nil {
			last = d.Occupancy
		}
		switch r.Kind {
		case park.ReportEntry:
			entered[d.Stay.ID]++
		case park.ReportExit:
			left[d.Stay.ID]++
		}
	}
	for id, n := range left {
		if n != 1 || entered[id] != 1 {
			c.fatalf("stay %s reported entered %d times and gone %d times", id, entered[id], n)
		}
	}
	isOpen := map[string]bool{}
	for _, st := range open {
		isOpen[st.ID] = true
		if entered[st.ID] != 1 || left[st.ID] != 0 {
			c.fatalf("stay %s of %s inside reported entered %d times and gone %d times", st.ID, st.Plate, entered[st.ID], left[st.ID])
		}
	}
	for id := range entered {
		if !isOpen[id] && left[id] != 1 {
			c.fatalf("stay %s closed but reported gone %d times", id, left[id])
		}
	}
	if last != nil && *last != want {
		c.fatalf("last reported occupancy %+v, want %+v", *last, want)
	}
}

func (c *countRun) node() *system.System { return c.nodes[c.rng.IntN(len(c.nodes))] }

func (c *countRun) fatalf(format string, args ...any) {
	c.t.Helper()
	c.t.Fatalf("step %d (%s): %s", c.step, c.what, fmt.Sprintf(format, args...))
}

// inside recounts the lot's cars inside from its stays: every open stay,
// and those holding a space of each pass.
func (c *countRun) inside() (open []*park.Stay, byPass map[string]int) {
	byPass = map[string]int{}
	err := c.Store.View(c.Ctx, func(tx park.Tx) error {
		open = open[:0]
		f := park.StayFilter{LotCode: c.Lot, State: park.StayIn, Limit: park.MaxListLimit}
		for {
			page, err := tx.ListStays(c.Ctx, f)
			if err != nil {
				return err
			}
			open = append(open, page...)
			if len(page) < f.Limit {
				return nil
			}
			f.AfterID = page[len(page)-1].ID
		}
	})
	if err != nil {
		c.fatalf("listing stays: %v", err)
	}
	for _, st := range open {
		if st.PassID != "" {
			byPass[st.PassID]++
		}
	}
	return open, byPass
}

func (c *countRun) capacity() int {
	l, err := c.Sys.Gate.LotSettings(c.Ctx, c.Lot)
	if err != nil {
		c.fatalf("lot: %v", err)
	}
	return l.Capacity
}

func (c *countRun) check() {
	c.t.Helper()
	open, byPass := c.inside()
	n := len(open)
	seen := map[string]bool{}
	for _, st := range open {
		if seen[st.PlateKey] {
			c.fatalf("plate %s has two open stays", st.Plate)
		}
		seen[st.PlateKey] = true
	}
	capacity := c.capacity()
	want := park.Occupancy{Capacity: capacity, Occupied: min(n, capacity), Free: capacity - min(n, capacity)}
	for i, sys := range c.nodes {
		var raw int
		if err := c.Store.View(c.Ctx, func(tx park.Tx) (err error) { raw, err = tx.CountInside(c.Ctx, c.Lot); return err }); err != nil {
			c.fatalf("count: %v", err)
		}
		if raw != n {
			c.fatalf("count of cars inside %d, stays inside %d", raw, n)
		}
		occ, err := sys.Gate.Occupancy(c.Ctx, c.Lot)
		if err != nil || occ != want {
			c.fatalf("node %d occupancy %+v (%v), want %+v", i, occ, err, want)
		}
		l, err := sys.Gate.GetLot(c.Ctx, c.Lot)
		if err != nil || l.Occupied != n {
			c.fatalf("node %d lot occupied %d (%v), want %d", i, l.Occupied, err, n)
		}
		ls, err := sys.Gate.ListLots(c.Ctx)
		if err != nil {
			c.fatalf("lots: %v", err)
		}
		for _, l := range ls {
			if l.Code == c.Lot && l.Occupied != n {
				c.fatalf("node %d listed lot occupied %d, want %d", i, l.Occupied, n)
			}
		}
		rem, err := sys.Spaces.GarageRemaining(c.Ctx, c.Lot)
		if err != nil || rem.Total != want.Capacity || rem.Occupied != want.Occupied || rem.Free != want.Free {
			c.fatalf("node %d remaining %+v (%v), want %+v", i, rem, err, want)
		}
	}
	c.checkReports(open, want)
	c.checkLastDay()
	for _, p := range c.passes {
		var got int
		if err := c.Store.View(c.Ctx, func(tx park.Tx) (err error) { got, err = tx.CountInsideForPass(c.Ctx, p.ID); return err }); err != nil {
			c.fatalf("pass count: %v", err)
		}
		if got != byPass[p.ID] {
			c.fatalf("pass %v spaces in use %d, stays on it %d", p.Plates, got, byPass[p.ID])
		}
		if byPass[p.ID] > p.Spaces {
			c.fatalf("pass %v: %d stays hold its %d spaces", p.Plates, byPass[p.ID], p.Spaces)
		}
	}
}

func (c *countRun) plate() string { return c.plates[c.rng.IntN(len(c.plates))] }

func (c *countRun) lane(typ string) string {
	if typ == park.EventEntry {
		return fmt.Sprint("in-", 1+c.rng.IntN(2))
	}
	return fmt.Sprint("out-", 1+c.rng.IntN(2))
}

func (c *countRun) event(typ, plateText string, at time.Time, passed bool) gate.EventInput {
	c.seq++
	return gate.EventInput{LotCode: c.Lot, ID: fmt.Sprintf("cnt-%d", c.seq), Type: typ, Plate: plateText,
		Lane: c.lane(typ), At: at, Passed: passed}
}

// send hands in to a node and checks a live visitor entry's decision
// against the recount before it.
func (c *countRun) send(in gate.EventInput) {
	c.t.Helper()
	open, _ := c.inside()
	others := 0
	for _, st := range open {
		if st.Plate != in.Plate {
			others++
		}
	}
	capacity := c.capacity()
	d, err := c.node().Gate.HandleEvent(c.Ctx, in)
	if err != nil {
		c.fatalf("%s %s at %s: %v", in.Type, in.Plate, in.At, err)
	}
	if os.Getenv("PARKD_COUNT_TRACE") != "" {
		c.t.Logf("%d %s %s %s %s passed=%v -> %s/%s", c.step, c.what, in.Type, in.Plate, in.Lane, in.Passed, d.Decision, d.Reason)
	}
	c.sent = append(c.sent, in)
	if in.Type != park.EventEntry || in.Passed || d.Repeat {
		return
	}
	switch d.Reason {
	case park.ReasonLotFull:
		if others < capacity {
			c.fatalf("%s held as lot full with %d other cars inside of %d", in.Plate, others, capacity)
		}
	case park.ReasonVisitor:
		if others >= capacity {
			c.fatalf("%s let in as a visitor with %d other cars inside of %d", in.Plate, others, capacity)
		}
	}
}

func (c *countRun) randomStep() {
	now := c.Clock.Now().Add(time.Duration(c.rng.IntN(6)) * time.Minute)
	c.Clock.Set(now)
	live := now.Add(-time.Duration(c.rng.IntN(30)) * time.Second)
	switch k := c.rng.IntN(100); {
	case k < 30:
		c.what = "entry"
		c.send(c.event(park.EventEntry, c.plate(), live, false))
	case k < 55:
		c.what = "exit"
		c.send(c.event(park.EventExit, c.plate(), live, false))
	case k < 63 && len(c.sent) > 0:
		c.what = "repeat"
		c.send(c.sent[c.rng.IntN(len(c.sent))])
	case k < 66 && len(c.sent) > 0:
		c.what = "double read"
		in := c.sent[len(c.sent)-1]
		in = c.event(in.Type, in.Plate, in.At.Add(time.Second), in.Passed)
		c.send(in)
	case k < 74:
		// A lane offline records a visit (an entry, then maybe its exit)
		// that it replays later, in any order.
		c.what = "offline visit"
		p := c.plate()
		from := now.Add(-time.Duration(5+c.rng.IntN(60)) * time.Minute)
		c.offline = append(c.offline, c.event(park.EventEntry, p, from, true))
		if c.rng.IntN(3) > 0 {
			c.offline = append(c.offline, c.event(park.EventExit, p, from.Add(time.Duration(1+c.rng.IntN(40))*time.Minute), true))
		}
	case k < 82 && len(c.offline) > 0:
		c.what = "offline replay"
		i := c.rng.IntN(len(c.offline))
		in := c.offline[i]
		c.offline = slices.Delete(c.offline, i, i+1)
		c.send(in)
	case k < 86:
		c.what = "removal"
		open, _ := c.inside()
		if len(open) == 0 {
			return
		}
		st := open[c.rng.IntN(len(open))]
		if err := c.node().Gate.RemoveInside(c.Ctx, "", c.Lot, st.Plate, "op", "gone"); err != nil {
			c.fatalf("remove %s: %v", st.Plate, err)
		}
	case k < 90:
		c.what = "capacity"
		cap := 2 + c.rng.IntN(6)
		if _, err := c.node().Gate.UpdateLot(c.Ctx, c.Lot, func(l *park.Lot) error { l.Capacity = cap; return nil }); err != nil {
			c.fatalf("capacity %d: %v", cap, err)
		}
	case k < 91:
		c.what = "reservation"
		c.orders++
		from := now.Add(time.Duration(c.rng.IntN(40)-10) * time.Minute)
		if _, _, err := c.node().Access.SyncReservation(c.Ctx, access.ReservationInput{PartnerID: "p1", LotCode: c.Lot,
			OrderNo: fmt.Sprint("ORD-", c.orders), Kind: park.ReservationShared, Plate: c.plates[5+c.rng.IntN(5)],
			Mobile: "13800000000", UserName: "李四", From: from, To: from.Add(time.Duration(15+c.rng.IntN(50)) * time.Minute),
			Prepaid: 500, MayEnter: true, MayExit: true}); err != nil && !park.IsCode(err, park.EConflict) {
			c.fatalf("reservation: %v", err)
		}
	case k < 93:
		c.what = "payment"
		open, _ := c.inside()
		if len(open) == 0 {
			return
		}
		st := open[c.rng.IntN(len(open))]
		sys := c.node()
		q, err := sys.Billing.CreateQuote(c.Ctx, st.ID, "")
		if err != nil {
			c.fatalf("quote %s: %v", st.Plate, err)
		}
		if q.AmountDue > 0 {
			if _, err := sys.Billing.Pay(c.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: q.AmountDue, Method: "cash"}); err != nil {
				c.fatalf("pay %s: %v", st.Plate, err)
			}
		}
	case k < 96:
		c.what = "lane hold"
		cmd := park.GateHoldOpen
		if c.rng.IntN(3) == 0 {
			cmd = park.GateRelease
		}
		typ := park.EventEntry
		if c.rng.IntN(2) == 0 {
			typ = park.EventExit
		}
		if _, err := c.node().Gate.SendGateCommand(c.Ctx, gate.GateCommandInput{LotCode: c.Lot, Lane: c.lane(typ), Command: cmd,
			By: "op", Reason: "test"}); err != nil && !park.IsCode(err, park.ENotFound) && !park.IsCode(err, park.EInvalid) {
			c.fatalf("%s: %v", cmd, err)
		} else if os.Getenv("PARKD_COUNT_TRACE") != "" {
			c.t.Logf("hold: %v", err)
		}
	case k < 98:
		c.what = "plateless"
		if c.rng.IntN(2) == 0 {
			_, _, err := c.node().Gate.EnterPlateless(c.Ctx, gate.PlatelessEntry{Lot: c.Lot, Lane: c.lane(park.EventEntry), Source: "p1"})
			if err != nil && !park.IsCode(err, park.ELotFull) && !park.IsCode(err, park.ENotFound) && !park.IsCode(err, park.EEntryRefused) {
				c.fatalf("plateless: %v", err)
			}
			return
		}
		open, _ := c.inside()
		for _, st := range open {
			if !slices.Contains(c.plates, st.Plate) {
				c.send(c.event(park.EventExit, st.Plate, live, false))
				return
			}
		}
	default:
		// A misread plate: a car read as a neighbour's plate.
		c.what = "misread"
		p := []rune(c.plate())
		p[len(p)-1] = '9'
		typ := park.EventEntry
		if c.rng.IntN(2) == 0 {
			typ = park.EventExit
		}
		c.send(c.event(typ, string(p), live, false))
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// burst sends n live events at once, half on each node: lanes of one lot
// decide at the same time.
func (c *countRun) burst(n int) {
	now := c.Clock.Now()
	ins := make([]gate.EventInput, n)
	for i := range ins {
		typ := park.EventEntry
		if c.rng.IntN(3) == 0 {
			typ = park.EventExit
		}
		ins[i] = c.event(typ, c.plate(), now, c.rng.IntN(4) == 0)
	}
	errs := make(chan error, n)
	for i, in := range ins {
		sys := c.nodes[i%len(c.nodes)]
		go func() {
			_, err := sys.Gate.HandleEvent(c.Ctx, in)
			errs <- err
		}()
	}
	for range ins {
		if err := <-errs; err != nil {
			c.fatalf("burst: %v", err)
		}
	}
}

// TestCountsFollowConcurrentStays is TestCountsFollowStays with bursts of
// events decided at once on both nodes; a hunt, run with
// PARKD_COUNT_SEEDS=n.
func TestCountsFollowConcurrentStays(t *testing.T) {
	if os.Getenv("PARKD_COUNT_SEEDS") == "" {
		t.Skip("a hunt: set PARKD_COUNT_SEEDS")
	}
	for seed := range uint64(must(strconv.Atoi(os.Getenv("PARKD_COUNT_SEEDS")))) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			c := newCountRun(t, seed)
			for step := range 200 {
				c.step = step
				switch c.rng.IntN(6) {
				case 0, 1:
					c.what = "burst"
					c.Clock.Set(c.Clock.Now().Add(time.Minute))
					c.burst(2 + c.rng.IntN(4))
				case 2:
					c.what = "visitors at once"
					c.Clock.Set(c.Clock.Now().Add(time.Minute))
					c.visitorsAtOnce()
				default:
					c.randomStep()
				}
				c.check()
			}
		})
	}
}

// checkLastDay: the console's cars inside at each hour's end are the
// stays that entered before it and had not left by then.
func (c *countRun) checkLastDay() {
	c.t.Helper()
	var all []*park.Stay
	err := c.Store.View(c.Ctx, func(tx park.Tx) error {
		f := park.StayFilter{LotCode: c.Lot, Limit: park.MaxListLimit}
		for {
			page, err := tx.ListStays(c.Ctx, f)
			if err != nil {
				return err
			}
			all = append(all, page...)
			if len(page) < f.Limit {
				return nil
			}
			f.AfterID = page[len(page)-1].ID
		}
	})
	if err != nil {
		c.fatalf("stays: %v", err)
	}
	hours, err := c.node().Gate.LastDay(c.Ctx, c.Lot)
	if err != nil {
		c.fatalf("last day: %v", err)
	}
	for _, h := range hours {
		end, n := h.Hour.Add(time.Hour), 0
		for _, st := range all {
			if st.EntryAt.Before(end) && (st.ExitAt == nil || !st.ExitAt.Before(end)) {
				n++
			}
		}
		if h.InsideAtHourEnd != n {
			c.fatalf("inside at the end of %s: %d, stays say %d", h.Hour.Format("15:04"), h.InsideAtHourEnd, n)
		}
	}
}

// visitorsAtOnce sends the entries of every visitor plate not inside at
// once, on both nodes: no more of them are let in as visitors than the
// lot had free spaces.
func (c *countRun) visitorsAtOnce() {
	open, _ := c.inside()
	free := c.capacity() - len(open)
	var ins []gate.EventInput
	for _, p := range c.plates[5:] {
		if !slices.ContainsFunc(open, func(st *park.Stay) bool { return st.Plate == p }) {
			ins = append(ins, c.event(park.EventEntry, p, c.Clock.Now(), false))
		}
	}
	type result struct {
		d   park.Decision
		err error
	}
	out := make(chan result, len(ins))
	for i, in := range ins {
		sys := c.nodes[i%len(c.nodes)]
		go func() {
			d, err := sys.Gate.HandleEvent(c.Ctx, in)
			out <- result{d, err}
		}()
	}
	visitors := 0
	for range ins {
		r := <-out
		if r.err != nil {
			c.fatalf("entry: %v", r.err)
		}
		if r.d.Reason == park.ReasonVisitor {
			visitors++
		}
	}
	if visitors > max(free, 0) {
		c.fatalf("%d visitors let in at once with %d free spaces", visitors, free)
	}
}
