package charging_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"parkd/internal/charging"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// fakeRemote is a charger that accepts every command and records them.
type fakeRemote struct {
	mu     sync.Mutex
	starts []string // "charger/connector/tag"
	stops  []int64
	refuse bool
	// offline answers every command as a charger not connected does.
	offline bool
	// silent never answers a stop: it gets it, and the call times out.
	silent bool
	// stopAnswer, when set, is the answer to every RemoteStop.
	stopAnswer string
	// hold, when set, keeps each RemoteStop waiting until it is closed.
	hold chan struct{}
	// only, when set, is the one charger that silent and hold apply to;
	// the others answer.
	only string
	// drop has the connection end after a stop is sent, before the
	// charger answers it.
	drop bool
	// stopsTo are the chargers each stop went to.
	stopsTo []string
	// mute never answers a stop: the call waits until its context ends,
	// as a real charger's call waits for its timeout.
	mute bool
}

func (f *fakeRemote) RemoteStart(_ context.Context, id string, connector int, tag string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.offline {
		return "", charging.ErrOffline
	}
	if f.refuse {
		return "Rejected", nil
	}
	f.starts = append(f.starts, tag)
	return "Accepted", nil
}

func (f *fakeRemote) RemoteStop(ctx context.Context, id string, tx int64) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.offline {
		return "", charging.ErrOffline
	}
	f.stops = append(f.stops, tx)
	f.stopsTo = append(f.stopsTo, id)
	if f.mute {
		f.mu.Unlock()
		<-ctx.Done()
		f.mu.Lock()
		return "", charging.ErrTimeout
	}
	if f.drop {
		return "", charging.ErrOffline
	}
	mine := f.only == "" || f.only == id
	if hold := f.hold; hold != nil && mine {
		f.mu.Unlock()
		<-hold
		f.mu.Lock()
	}
	if f.silent && mine {
		return "", charging.ErrTimeout
	}
	if f.stopAnswer != "" {
		return f.stopAnswer, nil
	}
	return "Accepted", nil
}

func (f *fakeRemote) stopCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.stops)
}

// stopsOf is how many stops went to charger id.
func (f *fakeRemote) stopsOf(id string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, x := range f.stopsTo {
		if x == id {
			n++
		}
	}
	return n
}

// The seed's 固定金额-1元240分钟: 100 fen per started 240 minutes all day,
// at most 960 minutes, prepaid and billed by use, refunds to the payment.
var seedRules = park.ChargeRules{Kind: "time", MaxMinutes: 960, Payment: "prepaid", RefundTo: "payment",
	Segments: []park.ChargeSegment{{From: "00:00", To: "24:00", Price: 100, BlockMinutes: 240}}}

// Valley 23:00-07:00 at 30 + 40 fen/kWh, flat the rest at 60 + 40.
var energyRules = park.ChargeRules{Kind: "energy", Payment: "prepaid", RefundTo: "balance",
	Segments: []park.ChargeSegment{
		{From: "23:00", To: "07:00", Price: 30, ServiceFee: 40, Period: "valley"},
		{From: "07:00", To: "23:00", Price: 60, ServiceFee: 40, Period: "flat"},
	}}

// Power segments, per started hour: below 500 W 50 fen, 500-1000 W 80,
// 1000 W and above 120.
func powerRules(measure string) park.ChargeRules {
	return park.ChargeRules{Kind: "power", PowerMeasure: measure, Payment: "balance", RefundTo: "balance",
		Segments: []park.ChargeSegment{
			{From: "00:00", To: "24:00", Price: 50, BlockMinutes: 60, MinPowerW: 0, MaxPowerW: 500},
			{From: "00:00", To: "24:00", Price: 80, BlockMinutes: 60, MinPowerW: 500, MaxPowerW: 1000},
			{From: "00:00", To: "24:00", Price: 120, BlockMinutes: 60, MinPowerW: 1000},
		}}
}

type rig struct {
	*systemtest.Bundle
	cs     *charging.Service
	remote *fakeRemote
	conn   string // CP1's connection
}

// metered is a charger's MeterValues answered: the readings stored, then
// what parkd does once the charger has the answer, and the answer to a
// stop that asked (which waits for it apart) had.
func metered(ctx context.Context, cs *charging.Service, id string, tx int64, rs []park.MeterReading, full bool) error {
	then, err := cs.Metered(ctx, id, tx, rs, full)
	then.Do(ctx)
	cs.WaitStops()
	return err
}

// sweep runs the charging sweep and waits for the answers to the stops it
// asked (which wait for them apart).
func (r *rig) sweep(t *testing.T) {
	t.Helper()
	if err := r.cs.Sweep(r.Ctx); err != nil {
		t.Fatal(err)
	}
	r.cs.WaitStops()
}

// newRig builds a core with one charger "CP1" (two connectors, family
// family, connected) priced by rules.
func newRig(t *testing.T, family int, rules park.ChargeRules) *rig {
	return newRigWith(t, family, rules, systemtest.Options{})
}

// newRigWith is newRig on a core built with o.
func newRigWith(t *testing.T, family int, rules park.ChargeRules, o systemtest.Options) *rig {
	b := systemtest.NewWith(t, o)
	r := &rig{Bundle: b, cs: b.Sys.Charging, remote: &fakeRemote{}}
	r.cs.SetRemote(r.remote)
	st, err := r.cs.CreateStandard(b.Ctx, charging.StandardInput{Name: "test", Family: family, Rules: rules})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.cs.RegisterCharger(b.Ctx, charging.ChargerInput{ID: "CP1", LotCode: b.Lot, Family: family, Connectors: 2,
		StandardID: st.ID, Password: "0123456789abcdef"}); err != nil {
		t.Fatal(err)
	}
	// Connected the day before the tests' times, so that its first
	// heartbeat is no later than theirs.
	now := b.Clock.Now()
	b.Clock.Set(local(-1, 0, 0))
	if r.conn, err = r.cs.Connected(b.Ctx, "CP1"); err != nil {
		t.Fatal(err)
	}
	b.Clock.Set(now)
	return r
}

// local is a wall-clock time in Shanghai on 2026-11-23 (+day days).
func local(day, h, m int) time.Time {
	return time.Date(2026, 11, 23+day, h, m, 0, 0, time.FixedZone("CST", 8*3600)).UTC()
}

// start asks for a session at at and has the charger start it with its
// register at meter.
func (r *rig) start(t *testing.T, at time.Time, prepaid int64, meter int64) *park.ChargeSession {
	t.Helper()
	r.Clock.Set(at)
	sess, err := r.cs.StartSession(r.Ctx, charging.StartInput{ChargerID: "CP1", Connector: 1, Prepaid: prepaid, Source: park.SourceNative})
	if err != nil {
		t.Fatal(err)
	}
	txID, ok, err := r.cs.ChargerStarted(r.Ctx, charging.Started{ChargerID: "CP1", Connector: 1, IDTag: sess.IDTag, MeterStart: meter, At: at})
	if err != nil || ok.Status != charging.TagAccepted {
		t.Fatalf("start: %v, %v", ok, err)
	}
	sess, _ = r.cs.Session(r.Ctx, sess.ID)
	if sess.TransactionID != txID || sess.Status != park.SessionCharging {
		t.Fatalf("started session %+v", sess)
	}
	return sess
}

func (r *rig) meter(t *testing.T, sess *park.ChargeSession, at time.Time, wh, w int64) *park.ChargeSession {
	t.Helper()
	r.Clock.Set(at)
	if err := metered(r.Ctx, r.cs, "CP1", sess.TransactionID, []park.MeterReading{{At: at, EnergyWh: wh, PowerW: w}}, false); err != nil {
		t.Fatal(err)
	}
	got, err := r.cs.Session(r.Ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func (r *rig) stop(t *testing.T, sess *park.ChargeSession, at time.Time, wh int64, reason int) *park.ChargeSession {
	t.Helper()
	return r.stopDated(t, sess, at, at, wh, reason)
}

// stopDated has the charger stop at at a session whose stop it dates dated.
func (r *rig) stopDated(t *testing.T, sess *park.ChargeSession, at, dated time.Time, wh int64, reason int) *park.ChargeSession {
	t.Helper()
	r.Clock.Set(at)
	if err := r.cs.ChargerStopped(r.Ctx, charging.Stopped{ChargerID: "CP1", TxID: sess.TransactionID, MeterStop: wh, At: dated, Reason: reason}); err != nil {
		t.Fatal(err)
	}
	got, err := r.cs.Session(r.Ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func wantBill(t *testing.T, s *park.ChargeSession, amount, electricity, refund int64) {
	t.Helper()
	if s.Amount != amount || s.Electricity != electricity || s.Service != amount-electricity || s.Refund != refund {
		t.Fatalf("bill: amount %d (electricity %d, service %d), refund %d; want amount %d (electricity %d), refund %d",
			s.Amount, s.Electricity, s.Service, s.Refund, amount, electricity, refund)
	}
}

// The seed's standard: 3 yuan paid, 250 minutes used = 2 started blocks of
// 240 minutes = 200 fen; 100 fen back to the original payment.
func TestSeedStandardRefund(t *testing.T) {
	r := newRig(t, park.FamilyTwoWheeler, seedRules)
	t0 := local(0, 10, 0)
	sess := r.start(t, t0, 300, 5000)
	sess = r.meter(t, sess, t0.Add(1*time.Minute), 5010, 200)
	wantBill(t, sess, 100, 0, 200) // one started block so far
	sess = r.stop(t, sess, t0.Add(250*time.Minute), 5800, park.EndUnplugged)
	wantBill(t, sess, 200, 0, 100)
	if sess.Status != park.SessionEnded || sess.RefundTo != "payment" || sess.EndReason != park.EndUnplugged || sess.EnergyWh != 800 {
		t.Fatalf("ended %+v", sess)
	}
}

// A session the charger refuses is refunded in full to where its standard
// says (the seed's: the original payment), as is one still waiting.
func TestRefusedStartRefundsToPayment(t *testing.T) {
	r := newRig(t, park.FamilyTwoWheeler, seedRules)
	r.Clock.Set(local(0, 10, 0))
	r.remote.refuse = true
	sess, err := r.cs.StartSession(r.Ctx, charging.StartInput{ChargerID: "CP1", Connector: 1, Prepaid: 300, Source: park.SourceNative})
	if err != nil {
		t.Fatal(err)
	}
	if sess.Status != park.SessionFailed || sess.Refund != 300 || sess.RefundTo != "payment" {
		t.Fatalf("refused: status %s, refund %d to %q; want failed, 300 to payment", sess.Status, sess.Refund, sess.RefundTo)
	}
	r.remote.refuse = false
	sess, err = r.cs.StartSession(r.Ctx, charging.StartInput{ChargerID: "CP1", Connector: 1, Prepaid: 300, Source: park.SourceNative})
	if err != nil {
		t.Fatal(err)
	}
	if sess.Status != park.SessionPending || sess.RefundTo != "payment" {
		t.Fatalf("waiting: status %s, refund to %q; want pending, payment", sess.Status, sess.RefundTo)
	}
}

// A session is billed by the standard it started on. The operator moves
// the charger to a standard five times dearer mid-session: the 250
// minutes still cost the seed's 2 blocks of 100, 100 of the 300 paid back;
// and the old standard cannot be deleted while the session is open.
func TestSessionKeepsItsStandard(t *testing.T) {
	r := newRig(t, park.FamilyTwoWheeler, seedRules)
	t0 := local(0, 10, 0)
	sess := r.start(t, t0, 300, 0)
	dear := seedRules
	dear.Segments = []park.ChargeSegment{{From: "00:00", To: "24:00", Price: 500, BlockMinutes: 240}}
	st, err := r.cs.CreateStandard(r.Ctx, charging.StandardInput{Name: "dear", Family: park.FamilyTwoWheeler, Rules: dear})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.cs.UpdateCharger(r.Ctx, "CP1", charging.ChargerPatch{StandardID: &st.ID}); err != nil {
		t.Fatal(err)
	}
	systemtest.WantCode(t, r.cs.DeleteStandard(r.Ctx, sess.StandardID), park.EConflict)
	sess = r.meter(t, sess, t0.Add(10*time.Minute), 50, 100)
	wantBill(t, sess, 100, 0, 200)
	sess = r.stop(t, sess, t0.Add(250*time.Minute), 800, park.EndUnplugged)
	wantBill(t, sess, 200, 0, 100)
	if err := r.cs.DeleteStandard(r.Ctx, sess.StandardID); err != nil {
		t.Fatalf("deleting the old standard once its session ended: %v", err)
	}
}

// One minute costs a whole block: 1 yuan; 240 minutes 1 yuan; 241 minutes 2.
func TestSeedStandardBlocks(t *testing.T) {
	for _, c := range []struct {
		minutes int
		want    int64
	}{{1, 100}, {240, 100}, {241, 200}, {959, 400}} {
		t.Run(fmt.Sprint(c.minutes), func(t *testing.T) {
			r := newRig(t, park.FamilyTwoWheeler, seedRules)
			t0 := local(0, 10, 0)
			sess := r.start(t, t0, 500, 0)
			sess = r.stop(t, sess, t0.Add(time.Duration(c.minutes)*time.Minute), 100, 0)
			if sess.Amount != c.want || sess.Refund != 500-c.want {
				t.Errorf("%d minutes: amount %d refund %d, want %d and %d", c.minutes, sess.Amount, sess.Refund, c.want, 500-c.want)
			}
		})
	}
}

// maxTime 960: a session left 17 hours is billed for 960 minutes (4
// blocks, 400 fen), and the reading at 960 minutes asks the charger to
// stop with end reason 12.
func TestMaxTime(t *testing.T) {
	r := newRig(t, park.FamilyTwoWheeler, seedRules)
	t0 := local(0, 10, 0)
	sess := r.start(t, t0, 1000, 0)
	sess = r.meter(t, sess, t0.Add(959*time.Minute), 500, 100)
	if r.remote.stopCount() != 0 {
		t.Fatal("asked to stop before maxTime")
	}
	sess = r.meter(t, sess, t0.Add(960*time.Minute), 510, 100)
	if r.remote.stopCount() != 1 || sess.StopReason != park.EndTimeLimit {
		t.Fatalf("at 960 minutes: %d stops, reason %d", r.remote.stopCount(), sess.StopReason)
	}
	sess = r.stop(t, sess, t0.Add(17*time.Hour), 600, 0)
	wantBill(t, sess, 400, 0, 600)
	if sess.EndReason != park.EndTimeLimit {
		t.Fatalf("end reason %d, want 12 (the stop parkd asked for)", sess.EndReason)
	}
}

// Prepaid 1 yuan on the seed's standard buys the first 240-minute block:
// the reading at 239 minutes lets it run (the next minute still costs 1
// yuan), the one at 240 minutes asks the charger to stop (a 241st minute
// would cost 2), and the bill is 1 yuan with nothing refunded.
func TestPrepaidExhaustionByTime(t *testing.T) {
	r := newRig(t, park.FamilyTwoWheeler, seedRules)
	t0 := local(0, 10, 0)
	sess := r.start(t, t0, 100, 0)
	sess = r.meter(t, sess, t0.Add(239*time.Minute), 300, 80)
	if r.remote.stopCount() != 0 || sess.Amount != 100 {
		t.Fatalf("at 239 minutes: %d stops, amount %d", r.remote.stopCount(), sess.Amount)
	}
	sess = r.meter(t, sess, t0.Add(240*time.Minute), 301, 80)
	if r.remote.stopCount() != 1 || sess.StopReason != park.EndMoneyUsedUp {
		t.Fatalf("at 240 minutes: %d stops, reason %d", r.remote.stopCount(), sess.StopReason)
	}
	// The charger stops a little later: the prepayment caps the bill.
	sess = r.stop(t, sess, t0.Add(242*time.Minute), 305, 0)
	wantBill(t, sess, 100, 0, 0)
	if sess.EndReason != park.EndMoneyUsedUp {
		t.Fatalf("end reason %d", sess.EndReason)
	}
}

// By energy with 5 yuan prepaid, flat at 1.00 yuan/kWh (60 + 40): at 4 kWh
// (400 fen) it runs, at 5 kWh (500 fen) the money is used up.
func TestPrepaidExhaustionByEnergy(t *testing.T) {
	r := newRig(t, park.FamilyCar, energyRules)
	t0 := local(0, 10, 0)
	sess := r.start(t, t0, 500, 1000)
	sess = r.meter(t, sess, t0.Add(30*time.Minute), 5000, 7000)
	wantBill(t, sess, 400, 240, 100)
	if r.remote.stopCount() != 0 {
		t.Fatal("stopped at 400 of 500 fen")
	}
	sess = r.meter(t, sess, t0.Add(40*time.Minute), 6000, 7000)
	if r.remote.stopCount() != 1 || sess.StopReason != park.EndMoneyUsedUp {
		t.Fatalf("at 5 kWh: %d stops, reason %d", r.remote.stopCount(), sess.StopReason)
	}
	// 5.5 kWh by the time it stops: 550 fen metered, capped at the 500
	// paid; the 50 fen cut comes out of the service fee (220 - 50 = 170).
	sess = r.stop(t, sess, t0.Add(45*time.Minute), 6500, 0)
	wantBill(t, sess, 500, 330, 0)
}

// Across 23:00: 22:30-23:00 3.5 kWh flat (3500*60/1000 = 210 + 3500*40/1000
// = 140), 23:00-23:30 3.5 kWh valley (105 + 140): 595 fen, 315 of it
// electricity; 1000 prepaid, 405 refunded to the balance.
func TestEnergyAcrossPeakToValley(t *testing.T) {
	r := newRig(t, park.FamilyCar, energyRules)
	t0 := local(0, 22, 30)
	sess := r.start(t, t0, 1000, 20000)
	sess = r.meter(t, sess, local(0, 23, 0), 23500, 7000)
	sess = r.stop(t, sess, local(0, 23, 30), 27000, park.EndFull)
	wantBill(t, sess, 595, 315, 405)
	if sess.RefundTo != "balance" || !sess.Full || sess.EnergyWh != 7000 {
		t.Fatalf("ended %+v", sess)
	}
}

// Minimum charge 500: 1 kWh in the valley costs 30 + 40 = 70, raised to 500
// (the 430 added is service).
func TestMinimumCharge(t *testing.T) {
	rules := energyRules
	rules.Minimum = 500
	r := newRig(t, park.FamilyCar, rules)
	t0 := local(1, 1, 0)
	sess := r.start(t, t0, 800, 0)
	sess = r.stop(t, sess, t0.Add(time.Hour), 1000, 0)
	wantBill(t, sess, 500, 30, 300)
	// 400 paid cannot cover the 500 minimum: refused, nothing started.
	r.Clock.Set(t0.Add(2 * time.Hour))
	_, err := r.cs.StartSession(r.Ctx, charging.StartInput{ChargerID: "CP1", Connector: 1, Prepaid: 400, Source: park.SourceNative})
	systemtest.WantCode(t, err, park.EInvalid)
	r.remote.mu.Lock()
	starts := len(r.remote.starts)
	r.remote.mu.Unlock()
	if starts != 1 {
		t.Fatalf("%d starts sent to the charger, want only the first", starts)
	}
}

// Minimum charge 500 with exactly 500 prepaid: the minimum is the least
// the bill can be, not money already used. 1 kWh flat (100 fen metered)
// keeps charging; at 5 kWh (5000*60/1000 + 5000*40/1000 = 500) the money
// is used up; stopped at 5.2 kWh the bill (520) is capped at the 500 paid.
func TestMinimumChargeEqualsPrepaid(t *testing.T) {
	rules := energyRules
	rules.Minimum = 500
	r := newRig(t, park.FamilyCar, rules)
	t0 := local(0, 10, 0)
	sess := r.start(t, t0, 500, 0)
	sess = r.meter(t, sess, t0.Add(10*time.Minute), 1000, 7000)
	if r.remote.stopCount() != 0 || sess.StopReason != 0 {
		t.Fatalf("at 1 kWh of 5 paid for: %d stops, reason %d", r.remote.stopCount(), sess.StopReason)
	}
	wantBill(t, sess, 500, 60, 0)
	sess = r.meter(t, sess, t0.Add(50*time.Minute), 5000, 7000)
	if r.remote.stopCount() != 1 || sess.StopReason != park.EndMoneyUsedUp {
		t.Fatalf("at 5 kWh: %d stops, reason %d", r.remote.stopCount(), sess.StopReason)
	}
	sess = r.stop(t, sess, t0.Add(52*time.Minute), 5200, 0)
	wantBill(t, sess, 500, 312, 0)
}

// "Pay 10 yuan to charge full" with the 10 yuan prepaid, flat at 1.00
// yuan/kWh: at 12 kWh (1200 metered) the bill is still the 1000 paid, so
// the money is not used up and the car charges on; it reports full at 15
// kWh and pays the agreed 1000, nothing back.
func TestFullPricePrepaidChargesToFull(t *testing.T) {
	rules := energyRules
	rules.StopWhenFull, rules.FullPrice = true, 1000
	r := newRig(t, park.FamilyCar, rules)
	t0 := local(0, 10, 0)
	sess := r.start(t, t0, 1000, 0)
	sess = r.meter(t, sess, t0.Add(60*time.Minute), 12000, 7000)
	if r.remote.stopCount() != 0 || sess.StopReason != 0 {
		t.Fatalf("at 12 kWh: %d stops, reason %d; want it to charge on until full", r.remote.stopCount(), sess.StopReason)
	}
	wantBill(t, sess, 1000, 720, 0)
	sess = r.stop(t, sess, t0.Add(80*time.Minute), 15000, park.EndFull)
	wantBill(t, sess, 1000, 900, 0)
	if !sess.Full || sess.EndReason != park.EndFull {
		t.Fatalf("ended %+v", sess)
	}
}

// Power segments over 90 minutes, 400 W for 30 minutes then 1200 W for 60:
// the time-weighted average is (400*30 + 1200*60) / 90 = 933 W (80 fen an
// hour), the maximum 1200 W (120 fen an hour); 2 started hours.
func TestPowerSegments(t *testing.T) {
	for _, c := range []struct {
		measure string
		want    int64
	}{{"average", 160}, {"maximum", 240}} {
		t.Run(c.measure, func(t *testing.T) {
			r := newRig(t, park.FamilyTwoWheeler, powerRules(c.measure))
			t0 := local(0, 10, 0)
			sess := r.start(t, t0, 0, 0)
			sess = r.meter(t, sess, t0, 0, 400)
			sess = r.meter(t, sess, t0.Add(30*time.Minute), 200, 1200)
			sess = r.stop(t, sess, t0.Add(90*time.Minute), 1400, 0)
			if sess.Amount != c.want || sess.Refund != 0 {
				t.Errorf("%s power: amount %d refund %d, want %d and 0", c.measure, sess.Amount, sess.Refund, c.want)
			}
		})
	}
}
