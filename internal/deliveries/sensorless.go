package deliveries

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"sync/atomic"
	"time"

	"parkd/internal/core"
	"parkd/internal/park"
)

// Sensorless payment (无感支付): a car enrolled with a partner is held at
// an exit for an amount due; parkd sends the partner's sensorless_exit
// subscription a report with a quote, and a reply that acknowledges it
// (in the subscription's format) pays the quote, exactly once, so the
// barrier opens. The partner has SensorlessTimeout (or the subscription's
// own timeout) to answer; after that the car is held as any other, and
// an answer that still comes within SensorlessLate more is recorded: it pays
// the quote if nothing else paid the stay meanwhile, and otherwise leaves
// an anomaly, so the stay is never charged twice. Reads of the car
// meanwhile (a camera's retry reaching another node, a new read at the
// barrier) do not ask again while the first ask may still pay: they
// wait for its payment (claimAsk).
const (
	SensorlessTimeout = park.DefaultSensorlessTimeout
	SensorlessLate    = 30 * time.Second
	// AnomalySensorless records a partner's late payment that could not
	// settle the stay (it was paid another way, or left): the partner
	// should refund its driver.
	AnomalySensorless = park.AnomalySensorlessLate
	// MethodSensorless is the payment method of a sensorless payment.
	MethodSensorless = "sensorless"
)

// Settle implements gate.Sensorless.
func (s *Service) Settle(ctx context.Context, l *park.Lot, st *park.Stay, e *park.Enrolment, eventID string) (bool, error) {
	if s.billing == nil {
		return false, nil
	}
	var sub *park.Subscription
	var p *park.Partner
	err := s.base.View(ctx, func(tx park.Tx) (err error) {
		if sub, err = tx.GetSubscription(ctx, e.SubscriptionID); err != nil {
			return err
		}
		p, err = tx.GetPartner(ctx, e.PartnerID)
		return err
	})
	if err != nil {
		return false, err
	}
	// The partner asked for no request until its Retry-After ends (to an
	// ask or to a queued report, heard by this node or stored by any, the
	// subscription just read): the car is held as any other, at once.
	if s.pausedFor(sub) > 0 {
		return false, nil
	}
	wait := sub.AttemptTimeout()
	claim, err := s.claimAsk(ctx, e.PartnerID, st, wait)
	if err != nil {
		return false, err
	}
	if claim == nil {
		return s.awaitPaid(ctx, st.ID, st.Paid, wait)
	}
	// The quote is kept for as long as the ask's answer may pay it, and
	// the payment be recorded, whatever the lot's quote TTL (at least
	// 10 s): a partner that acknowledged has charged its driver.
	q, err := s.billing.CreateQuoteFor(ctx, st.ID, e.PartnerID, askWindow(wait)+SensorlessLate)
	if err != nil || q.AmountDue == 0 {
		s.releaseAsk(ctx, claim) // nobody was asked
		return false, err
	}
	data, err := json.Marshal(&park.ReportData{Lot: core.ReportLot(l), Stay: st, Quote: q, Unpaid: new(q.AmountDue)})
	if err != nil {
		s.releaseAsk(ctx, claim)
		return false, err
	}
	at := s.base.Clock()
	// The report's id (webhook-id, and the payment's reference) is the
	// quote's, new for each ask: the exit event's id may hold characters
	// an HTTP header cannot carry.
	r := &park.Report{ID: "sensorless:" + q.ID, Kind: park.ReportSensorlessExit, LotCode: l.Code,
		Key: park.StayKey(st.ID), At: at, Data: data}
	var rd park.ReportData
	_ = json.Unmarshal(data, &rd)
	a := &Attempt{Report: r, Data: &rd, Subscription: sub, Partner: p, At: at,
		Delivery: &park.Delivery{ID: r.ID, SubscriptionID: sub.ID, PartnerID: p.ID, ReportID: r.ID, Report: r.Kind, LotCode: l.Code}}
	// The partner's answer is awaited apart from the lane, which waits at
	// most wait for it: whichever comes first, the answer or the end of
	// the wait, decides who settles a success.
	var turn atomic.Int32 // 0 open, 1 the lane takes the answer, 2 the lane has gone
	answer := make(chan bool, 1)
	go func() {
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), wait+SensorlessLate)
		defer cancel()
		ok := s.askPartner(actx, a)
		if !ok { // no payment can come of this ask: the next read asks again
			s.releaseAsk(context.WithoutCancel(ctx), claim)
		}
		if turn.CompareAndSwap(0, 1) {
			answer <- ok
		} else if ok {
			s.settleLate(context.WithoutCancel(ctx), l, st, q, p, r.ID)
		}
	}()
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case ok := <-answer:
		if !ok {
			return false, nil
		}
	case <-timer.C:
		if turn.CompareAndSwap(0, 2) {
			return false, nil
		}
		if !<-answer { // answered just now
			return false, nil
		}
	case <-ctx.Done():
		if turn.CompareAndSwap(0, 2) {
			return false, ctx.Err()
		}
		if !<-answer {
			return false, nil
		}
	}
	// The partner has charged its driver: the payment is recorded even if
	// the lane's request ends now (the camera gave up waiting).
	pctx := context.WithoutCancel(ctx)
	res, err := s.billing.Pay(pctx, park.PaymentRequest{QuoteID: q.ID, Amount: q.AmountDue, Method: MethodSensorless,
		Payer: p.ID, Reference: r.ID})
	if err != nil {
		s.unrecorded(pctx, l, st, q, p, err, "as the exit was decided")
		return false, fmt.Errorf("the partner paid, but the payment could not be recorded: %w", err)
	}
	s.base.Log.Info("sensorless payment", "lot", l.Code, "stay", st.ID, "event", eventID, "partner", p.ID, "amount", res.Payment.Amount)
	return true, nil
}

// askPartner sends the sensorless report and tells whether the partner
// acknowledged (paid). An ask keeps no reply, so one that pays nothing
// is logged (heldWarning), once, for the operator to see why the car was
// held.
func (s *Service) askPartner(ctx context.Context, a *Attempt) bool {
	held := func(status int, reason string) {
		s.base.Log.Warn(heldWarning, "partner", a.Partner.ID, "subscription", a.Subscription.ID,
			"lot", a.Report.LotCode, "status", status, "reason", reason)
	}
	f, ok := s.formats[a.Subscription.Format]
	if !ok {
		held(0, "this node cannot send format "+a.Subscription.Format)
		return false
	}
	req, err := f.Request(ctx, a, a.Subscription.URL)
	if err != nil {
		held(0, "could not build the request: "+err.Error())
		return false
	}
	resp, err := s.client.Do(req)
	if err != nil {
		s.metrics.DeliveryAttempt(a.Partner.ID, a.Report.Kind, false)
		held(0, shortError(err))
		return false
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	var why string
	if pf, paying := f.(Payer); paying {
		ok, why = pf.Paid(resp.StatusCode, body)
	} else {
		ok, why = f.Judge(resp.StatusCode, body)
	}
	s.metrics.DeliveryAttempt(a.Partner.ID, a.Report.Kind, ok)
	if ok {
		return true
	}
	// The reason as a queued delivery's last_reply words it.
	held(resp.StatusCode, replyText(why, answerText(resp, body)))
	// As for a queued report: a 410 ends the subscription, a Retry-After
	// pauses it (asks and queued reports alike).
	switch gone, after := refusal(resp, a.At); {
	case gone:
		s.disableGone(context.WithoutCancel(ctx), a.Subscription)
	case after > 0:
		until := a.At.Add(after)
		s.laneOf(a.Subscription, a.Partner).pause(until, a.Subscription)
		s.storePause(context.WithoutCancel(ctx), a.Subscription, until)
	}
	return false
}

// heldWarning is the log's message for a sensorless ask that paid nothing.
const heldWarning = "sensorless ask not paid: the car is held"

// settleLate records a partner's payment that came after the lane had
// been answered: it pays the quote, once (its reference is the report's
// id), unless the stay was paid another way or left meanwhile; then an
// anomaly asks the operator to have the partner refund its driver.
func (s *Service) settleLate(ctx context.Context, l *park.Lot, st *park.Stay, q *park.Quote, p *park.Partner, ref string) {
	_, err := s.billing.Pay(ctx, park.PaymentRequest{QuoteID: q.ID, Amount: q.AmountDue, Method: MethodSensorless,
		Payer: p.ID, Reference: ref})
	if err == nil {
		s.base.Log.Info("late sensorless payment recorded", "lot", l.Code, "stay", st.ID, "partner", p.ID)
		return
	}
	s.unrecorded(ctx, l, st, q, p, err, "after the exit had been held")
}

// unrecorded records an anomaly for a partner's acknowledged payment
// that could not be recorded (the stay was paid another way, or left):
// the partner should refund its driver.
func (s *Service) unrecorded(ctx context.Context, l *park.Lot, st *park.Stay, q *park.Quote, p *park.Partner, err error, when string) {
	detail := fmt.Sprintf("partner %s paid %d for this stay %s, and the payment could not be recorded (%s): the partner should refund its driver",
		p.ID, q.AmountDue, when, park.ErrorCode(err))
	if s.anomalies != nil {
		if aerr := s.anomalies.RecordAnomaly(ctx, l.Code, AnomalySensorless, st.Plate, st.ID, detail); aerr != nil {
			s.base.Log.Error("recording a late sensorless payment", "lot", l.Code, "stay", st.ID, "err", aerr)
		}
	}
}

// askClaim is a read's claim to ask the partner for a stay's amount due.
type askClaim struct {
	partner, key string
	at           time.Time
	wait         time.Duration // the lane's
}

// askWindow is how long after its claim an ask's answer may still pay
// the stay: the lane's wait, and SensorlessLate more.
func askWindow(wait time.Duration) time.Duration { return wait + SensorlessLate }

// claimAsk makes the partner asked once for a stay's amount due, whatever
// reads of its exit arrive meanwhile (a camera's retry to another node,
// the car read again while it waits at the barrier): the first to claim
// the stay, as paid as it was read, asks; the others get nil. The claim
// holds for as long as the ask's answer may still pay (askWindow), not
// only while the lane waits: asking again meanwhile would have the
// partner charge its driver twice, which parkd could only record as an
// anomaly to refund. An ask that ends unacknowledged releases it
// (releaseAsk). Claimed before the quote, so a read that waits takes none.
func (s *Service) claimAsk(ctx context.Context, partnerID string, st *park.Stay, wait time.Duration) (*askClaim, error) {
	c := &askClaim{partner: partnerID, key: "sensorless:" + st.ID + ":" + strconv.FormatInt(st.Paid, 10), at: s.base.Clock(), wait: wait}
	var first bool
	err := s.base.Write(ctx, func(tx park.Tx) (err error) {
		first, err = tx.MarkSeen(ctx, partnerID, c.key, c.at, c.at.Add(-askWindow(wait)))
		return err
	})
	if err != nil || !first {
		return nil, err
	}
	return c, nil
}

// releaseAsk lets the next read of the stay ask again once an ask ended
// unpaid (refused, failed, or never sent). MarkSeen drops the claim (its
// row is older than the cutoff just after it) and leaves one already
// lapsed in its place. A claim not released lapses after askWindow.
func (s *Service) releaseAsk(ctx context.Context, c *askClaim) {
	lapsed := c.at.Add(-askWindow(c.wait) - time.Millisecond)
	err := s.base.Write(ctx, func(tx park.Tx) error {
		_, err := tx.MarkSeen(ctx, c.partner, c.key, lapsed, c.at.Add(time.Millisecond))
		return err
	})
	if err != nil {
		s.base.Log.Warn("releasing a sensorless ask", "partner", c.partner, "ask", c.key, "err", err)
	}
}

// awaitPaid waits, at most wait, for another ask of the stay to pay it,
// and reports whether it did.
func (s *Service) awaitPaid(ctx context.Context, stayID string, paidBefore int64, wait time.Duration) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		var st *park.Stay
		err := s.base.View(ctx, func(tx park.Tx) (err error) {
			st, err = tx.GetStay(ctx, stayID)
			return err
		})
		switch {
		case err == nil && st.Paid > paidBefore:
			return true, nil
		case err != nil && ctx.Err() == nil:
			return false, err
		}
		select {
		case <-ctx.Done():
			return false, nil
		case <-tick.C:
		}
	}
}
