package charging

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"parkd/internal/core"
	"parkd/internal/park"
	"parkd/internal/tariff"
)

// StartInput asks for a charging session.
type StartInput struct {
	ChargerID string
	Connector int
	// Prepaid is what the driver paid (minor units); 0 is open-ended, which
	// a prepaid standard refuses.
	Prepaid      int64
	LimitMinutes int // bought time; 0: none but the standard's
	// Plate is the car charging, when the caller knows it: the lot's
	// parking tariff may let it park free while it charges.
	Plate     string
	Source    string
	PartnerID string
}

// newSessionID returns a 20-digit order number: the UTC time to the second
// and six random digits. Twenty characters also make it a valid OCPP id
// tag, which is how a charger started remotely names the session back.
func newSessionID(now time.Time) string {
	return now.UTC().Format("20060102150405") + fmt.Sprintf("%06d", randUint(1_000_000))
}

func randUint(n uint64) uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return binary.BigEndian.Uint64(b[:]) % n
}

// newTransactionID returns an OCPP transaction id: a positive 31-bit
// integer, random so that ids from two nodes do not collide (the store
// refuses a duplicate of one charger and Update tries again).
func newTransactionID() int64 { return int64(randUint(1<<31-1)) + 1 }

// StartSession opens a session on a charger's connector and asks the
// charger to start it. The session comes back charging when the charger
// started it within the call, pending when it accepted but has not
// started yet, or failed (end reason EndRefused, prepayment refunded in
// full) when it refused or did not answer. EInvalid for a bad request,
// ENotFound for an unknown charger, EConflict when the connector is busy or
// the charger is out of service, or offline (Reason ReasonNotConnected):
// no order is made that could only fail.
func (s *Service) StartSession(ctx context.Context, in StartInput) (*park.ChargeSession, error) {
	// A blank id is a request that forgot the charger, not one for a
	// charger that does not exist.
	if strings.TrimSpace(in.ChargerID) == "" {
		return nil, park.Invalid("charger_id", "is required").Because(park.ReasonRequired)
	}
	if in.Prepaid < 0 || in.Prepaid > park.MaxAmount {
		return nil, park.Invalid("prepaid", "must be between 0 and %d, not %d", int64(park.MaxAmount), in.Prepaid).Because(park.ReasonRange, "0", strconv.FormatInt(int64(park.MaxAmount), 10))
	}
	if in.LimitMinutes < 0 || in.LimitMinutes > 7*24*60 {
		return nil, park.Invalid("limit_minutes", "must be between 0 and %d, not %d", 7*24*60, in.LimitMinutes).Because(park.ReasonRange, "0", "10080")
	}
	plateKey := ""
	if in.Plate != "" {
		p, err := core.Plate("plate", in.Plate)
		if err != nil {
			return nil, err
		}
		plateKey = p.Key
	}
	var sess *park.ChargeSession
	var queued string
	err := s.base.Update(ctx, func(tx park.Tx) error {
		queued = ""
		// Whose charger it is comes first: a partner learns nothing of
		// another lot's charger, not even that it is busy.
		if _, err := chargerFor(ctx, tx, in.PartnerID, in.ChargerID); err != nil {
			return err
		}
		c, st, loc, version, err := s.usable(ctx, tx, in.ChargerID, in.Connector)
		if err != nil {
			return err
		}
		if st.Payment != tariff.ChargeFromBalance && in.Prepaid == 0 {
			return park.Invalid("prepaid", "price standard %d is paid before charging: a prepaid amount is required", c.StandardID).Because(park.ReasonRequired)
		}
		if !st.AdmitsBalance(in.Prepaid) {
			return park.Invalid("prepaid", "price standard %d needs at least %d to start, not %d", c.StandardID, st.MinBalance, in.Prepaid).
				Because(park.ReasonRange, strconv.FormatInt(st.MinBalance, 10), strconv.FormatInt(park.MaxAmount, 10))
		}
		// Money set aside below the minimum charge would be billed more
		// than was paid the moment charging starts.
		if in.Prepaid > 0 && in.Prepaid < st.Minimum && st.Payment != tariff.ChargePrepaidPackage {
			return park.Invalid("prepaid", "price standard %d charges at least %d, more than the %d paid", c.StandardID, st.Minimum, in.Prepaid).
				Because(park.ReasonRange, strconv.FormatInt(st.Minimum, 10), strconv.FormatInt(park.MaxAmount, 10))
		}
		now := s.base.Clock()
		// Money set aside that does not pay the first block: a started
		// block is paid whole, so the session would be out of money at
		// once, the prepayment kept for seconds of charging.
		if first := firstMinute(st, loc, now); in.Prepaid > 0 && in.Prepaid < first && !neverUsedUp(st, in.Prepaid) {
			return park.Invalid("prepaid", "price standard %d charges %d for its first block, more than the %d paid", c.StandardID, first, in.Prepaid).
				Because(park.ReasonRange, strconv.FormatInt(first, 10), strconv.FormatInt(park.MaxAmount, 10))
		}
		sess = &park.ChargeSession{ID: newSessionID(now), ChargerID: c.ID, Connector: in.Connector, LotCode: c.LotCode,
			StandardID: c.StandardID, StandardVersion: version, Source: in.Source, PartnerID: in.PartnerID, Status: park.SessionPending,
			Prepaid: in.Prepaid, LimitMinutes: in.LimitMinutes, PlateKey: plateKey, RefundTo: nameOf(refundNames, st.RefundTo),
			CreatedAt: now, UpdatedAt: now}
		sess.IDTag = sess.ID
		if err := tx.InsertChargeSession(ctx, sess); err != nil {
			return err
		}
		queued, err = s.queueIfRelayed(ctx, tx, c, Command{Kind: CommandStart, Connector: sess.Connector, IDTag: sess.IDTag})
		return err
	})
	if err != nil {
		return nil, err
	}
	r := s.remoteOf()
	if r == nil {
		return sess, nil
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), remoteTimeout)
	var status string
	var rerr error
	if queued != "" {
		status, rerr = s.await(rctx, queued, remoteTimeout)
	} else {
		status, rerr = r.RemoteStart(rctx, sess.ChargerID, sess.Connector, sess.IDTag)
	}
	cancel()
	s.record(ctx, sess.ChargerID, "RemoteStartTransaction", sess.Connector, status, rerr)
	if rerr != nil || status != "Accepted" {
		return s.failPending(ctx, sess.ID)
	}
	return s.Session(ctx, sess.ID)
}

// usable returns a charger that may start a session on connector, and its
// standard at its current version.
func (s *Service) usable(ctx context.Context, tx park.Tx, id string, connector int) (*park.Charger, *tariff.ChargeStandard, *time.Location, int64, error) {
	c, err := tx.GetCharger(ctx, id)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	switch {
	case c.Retired != nil:
		return nil, nil, nil, 0, park.Conflict("charger_id", "charger %q is retired", id)
	case c.Availability != park.ChargerOperative:
		return nil, nil, nil, 0, park.Conflict("charger_id", "charger %q is out of service", id)
	case connector < 1 || connector > c.Connectors:
		return nil, nil, nil, 0, park.Invalid("connector", "charger %q has connectors 1 to %d, not %d", id, c.Connectors, connector).
			Because(park.ReasonRange, "1", strconv.Itoa(c.Connectors))
	}
	if _, err := tx.OpenChargeSession(ctx, id, connector); err == nil {
		return nil, nil, nil, 0, park.Conflict("connector", "connector %d of charger %q is busy", connector, id)
	} else if !park.IsCode(err, park.ENotFound) {
		return nil, nil, nil, 0, err
	}
	if !c.Online {
		return nil, nil, nil, 0, park.Conflict("charger_id", "charger %q is offline: it cannot be asked to start", id).
			Because(park.ReasonNotConnected)
	}
	st, loc, version, err := s.standard(ctx, tx, c.StandardID, 0, c.LotCode)
	return c, st, loc, version, err
}

// standard returns the model of price standard id at version (0: its
// current one), the zone of lot, and the version: what a session is
// priced by (the charger's standard as it was when the session started,
// which it keeps through the standard's later edits).
func (s *Service) standard(ctx context.Context, tx park.Tx, id, version int64, lotCode string) (*tariff.ChargeStandard, *time.Location, int64, error) {
	p, err := tx.GetPriceStandard(ctx, id)
	if err != nil {
		return nil, nil, 0, err
	}
	if version != 0 && version != p.Version {
		// Sessions from before versions were kept name none (0).
		if p, err = tx.GetPriceStandardVersion(ctx, id, version); err != nil {
			return nil, nil, 0, err
		}
	}
	st, err := Standard(p.Rules)
	if err != nil {
		return nil, nil, 0, park.Errorf(park.EInternal, "price standard %d: %v", p.ID, err)
	}
	lot, err := tx.GetLotSettings(ctx, lotCode)
	if err != nil {
		return nil, nil, 0, err
	}
	loc, err := park.LoadLocation(lot.TimeZone)
	if err != nil {
		return nil, nil, 0, park.Errorf(park.EInternal, "lot %q: %v", lot.Code, err)
	}
	return st, loc, p.Version, nil
}

// failPending ends a session the charger never started: nothing is billed
// and any prepayment is refunded in full.
func (s *Service) failPending(ctx context.Context, id string) (*park.ChargeSession, error) {
	var sess *park.ChargeSession
	err := s.base.Update(ctx, func(tx park.Tx) (err error) {
		if sess, err = tx.GetChargeSession(ctx, id); err != nil || sess.Status != park.SessionPending {
			return err
		}
		now := s.base.Clock()
		sess.Status, sess.EndedAt, sess.UpdatedAt, sess.EndReason = park.SessionFailed, &now, now, park.EndRefused
		sess.Refund = sess.Prepaid
		if err := tx.UpdateChargeSession(ctx, sess); err != nil {
			return err
		}
		return s.reportEnd(ctx, tx, sess)
	})
	return sess, err
}

// Session returns a session (ENotFound).
func (s *Service) Session(ctx context.Context, id string) (*park.ChargeSession, error) {
	var sess *park.ChargeSession
	err := s.base.View(ctx, func(tx park.Tx) (err error) { sess, err = tx.GetChargeSession(ctx, id); return })
	return sess, err
}

// PartnerSession is a session as a partner may see it: partnerID, when
// set, must be the session's, and another's (a partner's or the
// operator's) is not found, as if it did not exist. Errors: ENotFound
// (Field session_id), and the store's (never read as not found).
func (s *Service) PartnerSession(ctx context.Context, id, partnerID string) (*park.ChargeSession, error) {
	sess, err := s.Session(ctx, id)
	if park.IsCode(err, park.ENotFound) || err == nil && partnerID != "" && sess.PartnerID != partnerID {
		return nil, &park.Error{Code: park.ENotFound, Field: "session_id", Message: "charge session " + strconv.Quote(id) + " not found"}
	}
	return sess, err
}

// SessionPage is one page of sessions and how many match in all.
type SessionPage struct {
	Sessions []*park.ChargeSession
	Total    int
}

// Sessions lists sessions by filter (Limit 1 to MaxListLimit), skipping
// offset of them. Errors: EInvalid (limit, offset, or updated_to not
// after updated_from).
func (s *Service) Sessions(ctx context.Context, f park.ChargeSessionFilter, offset int) (*SessionPage, error) {
	if f.Limit < 1 || f.Limit > MaxListLimit {
		return nil, park.Invalid("limit", "must be between 1 and %d, not %d", MaxListLimit, f.Limit).Because(park.ReasonRange, "1", strconv.FormatInt(int64(MaxListLimit), 10))
	}
	if offset < 0 || offset > MaxListOffset {
		return nil, park.Invalid("offset", "must be between 0 and %d, not %d", MaxListOffset, offset).Because(park.ReasonRange, "0", strconv.FormatInt(int64(MaxListOffset), 10))
	}
	// The window's end is exclusive: one not after its start holds nothing.
	if !f.UpdatedFrom.IsZero() && !f.UpdatedTo.IsZero() && !f.UpdatedTo.After(f.UpdatedFrom) {
		return nil, park.Invalid("updated_to", "must be after updated_from").Because(park.ReasonOrder)
	}
	page := &SessionPage{}
	err := s.base.View(ctx, func(tx park.Tx) (err error) {
		if page.Total, err = tx.CountChargeSessions(ctx, f); err != nil {
			return err
		}
		want := f.Limit
		f.Limit += offset
		all, err := tx.ListChargeSessions(ctx, f)
		if offset < len(all) {
			page.Sessions = all[offset:min(len(all), offset+want)]
		}
		return err
	})
	return page, err
}

// LatestSessions returns a charger's newest limit (1 to MaxListLimit)
// sessions, by when they last changed, newest first: a session still
// running moves up at each reading, so an operator sees what the charger
// is doing now before what it did last.
func (s *Service) LatestSessions(ctx context.Context, chargerID string, limit int) ([]*park.ChargeSession, error) {
	if limit < 1 || limit > MaxListLimit {
		return nil, park.Invalid("limit", "must be between 1 and %d, not %d", MaxListLimit, limit).Because(park.ReasonRange, "1", strconv.FormatInt(int64(MaxListLimit), 10))
	}
	var ss []*park.ChargeSession
	err := s.base.View(ctx, func(tx park.Tx) (err error) { ss, err = tx.LatestChargeSessions(ctx, chargerID, limit); return })
	return ss, err
}

// LatestSessionsOfLot returns, in one read, the newest limit (1 to
// MaxListLimit) sessions of each charger of a lot, by charger id, each
// ordered as LatestSessions orders them; a charger without sessions is
// absent.
func (s *Service) LatestSessionsOfLot(ctx context.Context, lot string, limit int) (map[string][]*park.ChargeSession, error) {
	if limit < 1 || limit > MaxListLimit {
		return nil, park.Invalid("limit", "must be between 1 and %d, not %d", MaxListLimit, limit).Because(park.ReasonRange, "1", strconv.FormatInt(int64(MaxListLimit), 10))
	}
	var ss []*park.ChargeSession
	if err := s.base.View(ctx, func(tx park.Tx) (err error) { ss, err = tx.LatestChargeSessionsOfLot(ctx, lot, limit); return }); err != nil {
		return nil, err
	}
	of := make(map[string][]*park.ChargeSession)
	for _, x := range ss {
		of[x.ChargerID] = append(of[x.ChargerID], x)
	}
	return of, nil
}

// StopSession asks the charger to stop a session (ENotFound; EConflict
// when it has ended). partnerID, when set, must be the session's. A
// pending session is failed at once; a charging one ends when the charger
// reports its StopTransaction. When the charger is offline, or connected
// but does not answer the stop within the call's timeout, the stop has not
// reached it: it is kept (a time block starts no later than it) and asked
// again once the charger is back or next heard from, and the caller is
// told so, rather than that the stop is under way: EConflict with Reason
// ReasonNotConnected when the charger is offline (its connection ended
// before it answered included), ReasonNotAnswering when it is connected
// but silent.
func (s *Service) StopSession(ctx context.Context, id, partnerID string) (*park.ChargeSession, error) {
	sess, err := s.PartnerSession(ctx, id, partnerID)
	if err != nil {
		return nil, err
	}
	switch sess.Status {
	case park.SessionPending:
		return s.failPending(ctx, id)
	case park.SessionCharging:
		sess, missed, err := s.askStop(ctx, sess, park.EndManual, false)
		switch {
		case err != nil:
			return sess, err
		case errors.Is(missed, ErrTimeout):
			return nil, park.Conflict("session_id", "charger %q is connected but did not answer: the stop of charge session %q is kept and asked again once it is heard from",
				sess.ChargerID, id).Because(park.ReasonNotAnswering)
		case missed != nil:
			return nil, park.Conflict("session_id", "charger %q is offline: the stop of charge session %q is kept and asked again once it is back",
				sess.ChargerID, id).Because(park.ReasonNotConnected)
		}
		return sess, nil
	}
	return nil, park.Conflict("session_id", "charge session %q has ended", id)
}

// askStop records why parkd wants a session stopped and asks the charger.
// When another node holds the charger, the stop is queued for it in the
// same transaction, so it is sent even if this node stops right after.
// auto is parkd's own check (time, money, a stop still owed): a session
// already asked to stop is asked again only while the stop is owed
// (stopOwed), and keeps the reason it was first asked for; its ask, the
// first included, waits for the charger's answer apart (stopCalls), so
// a silent charger holds neither the sweep nor the handling of a
// charger's messages for the call's timeout, and missed is then nil. An
// operator's or driver's stop (not auto) waits for the answer: missed is
// ErrOffline when the charger is offline, ErrTimeout when it did not
// answer in time (sendStop), nil otherwise. A charger recorded offline
// is not sent the stop, and a stop sent counts as asked (MaxStopAsks)
// only once its answer is heard (StopUnheard until then, see heard), so
// the stop is asked once the charger is back or shows a sign of life,
// however often it was asked meanwhile.
func (s *Service) askStop(ctx context.Context, sess *park.ChargeSession, reason int, auto bool) (_ *park.ChargeSession, missed, _ error) {
	charger := sess.ChargerID
	if auto {
		// One of parkd's own asks at a time per charger: one under way
		// stands for the next.
		if !s.stops.begin(charger) {
			return sess, nil, nil
		}
	}
	handedOff := false
	defer func() {
		if auto && !handedOff {
			s.stops.end(charger)
		}
	}()
	var queued string
	send, offline := false, false
	err := s.base.Update(ctx, func(tx park.Tx) (err error) {
		queued, send, offline = "", false, false
		if sess, err = tx.GetChargeSession(ctx, sess.ID); err != nil || sess.Status != park.SessionCharging {
			return err
		}
		c, err := tx.GetCharger(ctx, sess.ChargerID)
		if err != nil {
			return err
		}
		s.overlay(c)
		now := s.base.Clock()
		changed := true
		switch {
		case sess.StopAsked == nil:
			sess.StopAsked, sess.StopReason = &now, reason
		case auto && !stopOwed(sess, now, seenAt(c)):
			return nil // asked meanwhile, by another reading or node
		case !auto:
			changed = sess.StopReason != reason
			sess.StopReason = reason
		}
		if !c.Online {
			offline = true
			if !changed {
				return nil
			}
			sess.UpdatedAt = now
			return tx.UpdateChargeSession(ctx, sess)
		}
		send = true
		// Unheard until the charger answers: an ask that never reaches it
		// is not one of the MaxStopAsks (heard counts it).
		sess.StopSent, sess.StopUnheard, sess.UpdatedAt = &now, &now, now
		if sess.StopUnanswered == 0 {
			sess.StopUnansweredSince = &now
		}
		sess.StopUnanswered++
		if err := tx.UpdateChargeSession(ctx, sess); err != nil {
			return err
		}
		queued, err = s.queueIfRelayed(ctx, tx, c, Command{Kind: CommandStop, TransactionID: sess.TransactionID})
		return err
	})
	if err != nil {
		return sess, nil, err
	}
	if offline {
		s.record(ctx, sess.ChargerID, "RemoteStopTransaction", sess.Connector, "", ErrOffline)
		return sess, ErrOffline, nil
	}
	if !send {
		return sess, nil, nil
	}
	if auto {
		// Any ask may wait the call's whole timeout (a charger silent to
		// the first as to the next), so parkd's own waits apart, holding
		// neither the sweep nor the handling of the charger's messages;
		// the charger's slot stays claimed until it ends.
		handedOff = true
		go func(sess park.ChargeSession) {
			defer s.stops.end(sess.ChargerID)
			if _, err := s.sendStop(context.WithoutCancel(ctx), &sess, queued, true); err != nil {
				s.base.Log.Warn("charging: asking a charger to stop", "charger", sess.ChargerID, "session", sess.ID, "err", err)
			}
		}(*sess)
		return sess, nil, nil
	}
	missed, err = s.sendStop(ctx, sess, queued, false)
	if err != nil {
		return sess, missed, err
	}
	sess, err = s.Session(ctx, sess.ID)
	return sess, missed, err
}

// sendStop sends the stop askStop recorded on sess (queued: through the
// node that holds the charger), waits for the answer and records it.
// missed is ErrOffline when the charger was offline or its connection
// ended before it answered, ErrTimeout when it did not answer in time,
// nil when it answered. An automatic stop (auto, waiting apart) is cut
// short when the service closes (Close): unless the charger answered
// first, the ask is taken out of the unanswered asks in a row as one
// whose connection ended is (dropped: parkd went away, the charger was
// not silent), and the session keeps the stop unheard and still owed, so
// it is asked again at the charger's first sign of life after the
// restart.
func (s *Service) sendStop(ctx context.Context, sess *park.ChargeSession, queued string, auto bool) (missed, _ error) {
	sent := *sess.StopUnheard
	var rerr error
	if r := s.remoteOf(); r != nil {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), remoteTimeout)
		if auto {
			defer context.AfterFunc(s.stops.closing, cancel)()
		}
		var status string
		var err error
		if queued != "" {
			status, err = s.await(rctx, queued, remoteTimeout)
		} else {
			status, err = r.RemoteStop(rctx, sess.ChargerID, sess.TransactionID)
		}
		cancel()
		if auto && err != nil && s.stops.closing.Err() != nil {
			// parkd went away, the charger was not silent: the ask is
			// taken out of the unanswered ones as a dropped connection's
			// is, and stays owed.
			s.base.Log.Debug("charging: a stop's wait for the charger's answer cut short by the shutdown; asked again after the restart",
				"charger", sess.ChargerID, "session", sess.ID)
			return nil, s.dropped(ctx, sess.ID, sent)
		}
		s.record(ctx, sess.ChargerID, "RemoteStopTransaction", sess.Connector, status, err)
		rerr = err
	}
	// A refusal or an error the charger answered is heard: it counts as
	// an ask, and the stop is asked again while owed, as before.
	switch {
	case errors.Is(rerr, ErrOffline):
		// The charger went away (or the ask never reached it): it was
		// not silent, and the ask is sent again once it is back.
		return ErrOffline, s.dropped(ctx, sess.ID, sent)
	case errors.Is(rerr, ErrTimeout):
		return ErrTimeout, s.unanswered(ctx, sess.ID, sent)
	default:
		_, err := s.heard(ctx, sess.ID, &sent)
		return nil, err
	}
}

// unanswered notes that the ask of session id sent at sent timed out.
// When it is the MaxUnansweredStops-th in a row, after which no more are
// asked at the charger's signs of life, it records an anomaly
// (AnomalyStopUnanswered) for the operator, who must stop the session,
// and logs it: once per session reaching the limit, as only that ask
// reaches it (an operator's stop after it counts past it), and only
// while it is the newest ask and still unheard (an answer that came
// meanwhile settles it).
func (s *Service) unanswered(ctx context.Context, id string, sent time.Time) error {
	var noted *park.Anomaly
	err := s.base.Update(ctx, func(tx park.Tx) error {
		noted = nil
		sess, err := tx.GetChargeSession(ctx, id)
		if err != nil || sess.Status != park.SessionCharging || sess.StopUnheard == nil || sess.StopUnanswered != MaxUnansweredStops {
			return err
		}
		if !sess.StopUnheard.Equal(sent.UTC().Truncate(park.Precision)) {
			return nil
		}
		since := *sess.StopUnheard
		if sess.StopUnansweredSince != nil {
			since = *sess.StopUnansweredSince
		}
		detail := fmt.Sprintf("charger %s connector %d session %s: %d stops in a row unanswered, since %s (the last at %s); no more are asked at its signs of life: stop the session (it is billed by time and by power to the first stop asked, at %s)",
			sess.ChargerID, sess.Connector, sess.ID, sess.StopUnanswered, since.UTC().Format(time.RFC3339), sess.StopUnheard.UTC().Format(time.RFC3339),
			sess.StopAsked.UTC().Format(time.RFC3339))
		noted = &park.Anomaly{ID: core.NewID(), LotCode: sess.LotCode, Kind: park.AnomalyStopUnanswered, Plate: sess.PlateKey, At: s.base.Clock(), Detail: detail}
		return tx.InsertAnomaly(ctx, noted)
	})
	if err == nil && noted != nil {
		s.base.Log.Warn("charging: the charger answered none of its unanswered stops; no more asked at its signs of life, the operator must stop the session (it is billed to the first ask)",
			"lot", noted.LotCode, "kind", noted.Kind, "detail", noted.Detail)
	}
	return err
}

// dropped takes the ask of session id sent at sent, whose connection
// ended before the charger answered it (or whose wait parkd's own
// shutdown cut short), out of the unanswered asks in a row
// (StopUnanswered): a charger that went away, or that parkd stopped
// listening to, was not silent. It
// stays unheard, so it is asked again at the charger's first sign of
// life once back (stopOwed), after the back-off of the asks it did
// leave unanswered. Only while that ask is the newest unheard one.
func (s *Service) dropped(ctx context.Context, id string, sent time.Time) error {
	return s.base.Update(ctx, func(tx park.Tx) error {
		sess, err := tx.GetChargeSession(ctx, id)
		if err != nil || sess.Status != park.SessionCharging || sess.StopUnheard == nil || sess.StopUnanswered == 0 {
			return err
		}
		if !sess.StopUnheard.Equal(sent.UTC().Truncate(park.Precision)) {
			return nil // a newer ask, or answered meanwhile
		}
		if sess.StopUnanswered--; sess.StopUnanswered == 0 {
			sess.StopUnansweredSince = nil
		}
		sess.UpdatedAt = s.base.Clock()
		return tx.UpdateChargeSession(ctx, sess)
	})
}

// stopCalls are parkd's own stop asks under way, one per charger at most:
// each waits for its charger's answer apart (askStop), and one under way
// stands for any other the sweep or a reading would ask meanwhile.
// Close cuts them short and waits for them to end.
type stopCalls struct {
	mu      sync.Mutex
	asking  map[string]bool
	closed  bool           // no more are begun
	wg      sync.WaitGroup // the asks under way, from begin to end
	closing context.Context
	close   context.CancelFunc
}

func newStopCalls() stopCalls {
	ctx, cancel := context.WithCancel(context.Background())
	return stopCalls{closing: ctx, close: cancel}
}

// begin claims id's slot; false when an ask of it is under way, or the
// service is closed.
func (c *stopCalls) begin(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || c.asking[id] {
		return false
	}
	if c.asking == nil {
		c.asking = map[string]bool{}
	}
	c.asking[id] = true
	c.wg.Add(1)
	return true
}

func (c *stopCalls) end(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.asking, id)
	c.wg.Done()
}

// Close stops the charging service's own work in the background before
// the store closes: parkd's automatic stops waiting for a charger's
// answer are cut short and waited for until ctx ends, so what they
// record is recorded before Close returns (an answer that came first,
// or the ask taken out of the unanswered ones: the charger was not
// silent, see dropped). A stop cut short stays owed on its session and
// is asked again at the charger's first sign of life after the restart,
// spaced by the asks the charger did leave unanswered. No
// automatic stop is asked after Close. It returns ctx's error when ctx
// ended before they did.
func (s *Service) Close(ctx context.Context) error {
	s.stops.mu.Lock()
	s.stops.closed = true
	s.stops.mu.Unlock()
	s.stops.close()
	done := make(chan struct{})
	go func() {
		s.stops.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// StopAnswered records a charger's answer to a RemoteStopTransaction of
// transaction txID that came after parkd stopped waiting for it: the stop
// is heard, counted as one ask and not sent again for want of an answer.
// Only the first answer to an unheard stop settles it; a later copy, or
// an answer to a session that has ended, changes nothing.
func (s *Service) StopAnswered(ctx context.Context, chargerID string, txID int64, status string) error {
	var sess *park.ChargeSession
	if err := s.base.View(ctx, func(tx park.Tx) (err error) {
		sess, err = tx.GetChargeSessionByTransaction(ctx, chargerID, txID)
		return err
	}); err != nil {
		if park.IsCode(err, park.ENotFound) {
			return nil
		}
		return err
	}
	settled, err := s.heard(ctx, sess.ID, nil)
	if err == nil && settled {
		s.record(ctx, chargerID, "RemoteStopTransaction", sess.Connector, status, nil)
	}
	return err
}

// heard marks a charging session's unheard stop as answered and counts
// it among its asks, once: only while one is unheard, and, when sent is
// given, only the one sent then (a newer ask stays unheard). settled says
// whether it did.
func (s *Service) heard(ctx context.Context, id string, sent *time.Time) (settled bool, _ error) {
	err := s.base.Update(ctx, func(tx park.Tx) error {
		settled = false
		sess, err := tx.GetChargeSession(ctx, id)
		if err != nil || sess.Status != park.SessionCharging || sess.StopUnheard == nil {
			return err
		}
		if sent != nil && !sess.StopUnheard.Equal(sent.UTC().Truncate(park.Precision)) {
			return nil
		}
		settled = true
		sess.StopUnheard, sess.StopAsks, sess.UpdatedAt = nil, sess.StopAsks+1, s.base.Clock()
		sess.StopUnanswered, sess.StopUnansweredSince = 0, nil
		return tx.UpdateChargeSession(ctx, sess)
	})
	return settled, err
}

// bill prices sess as of end (its readings up to then; by time and by
// power never past the first stop parkd asked for) and stores the result
// in it.
func bill(sess *park.ChargeSession, st *tariff.ChargeStandard, loc *time.Location, end time.Time) tariff.ChargeResult {
	if sess.StopAsked != nil && st.Kind != tariff.ChargeByEnergy && end.After(*sess.StopAsked) {
		// Time blocks end at the first stop parkd asked for: a charger
		// that takes a moment to stop, or hears the stop only once its
		// connection is back, starts no block at the driver's cost. By
		// energy the meter at the stop is billed, within what was paid.
		end = *sess.StopAsked
	}
	res := byUse(st, sess.Prepaid).Price(priced(sess, loc, end))
	sess.Amount, sess.Electricity, sess.Service, sess.EnergyWh = res.Amount, res.Electricity, res.Service, res.EnergyWh
	sess.Refund = res.Refund
	sess.RefundTo = nameOf(refundNames, res.RefundTo)
	return res
}

// byUse is the standard a session paid prepaid is billed by: st itself,
// or with nothing prepaid (open-ended, a driver's tag at the charger) st
// billed by use as from a balance, never capped at a prepayment of
// nothing.
func byUse(st *tariff.ChargeStandard, prepaid int64) *tariff.ChargeStandard {
	if prepaid != 0 || st.Payment == tariff.ChargeFromBalance {
		return st
	}
	open := *st
	open.Payment = tariff.ChargeFromBalance
	return &open
}

// priced is the tariff's view of a session: energy since its start by its
// plausible readings only (plausibleReadings), the end capped by the
// bought time.
func priced(sess *park.ChargeSession, loc *time.Location, end time.Time) *tariff.ChargeSession {
	start := *sess.StartedAt
	if sess.LimitMinutes > 0 {
		if lim := start.Add(time.Duration(sess.LimitMinutes) * time.Minute); end.After(lim) {
			end = lim
		}
	}
	ts := &tariff.ChargeSession{Start: start, End: end, Loc: loc, Prepaid: sess.Prepaid, Full: sess.Full}
	rs, _ := plausibleReadings(sess)
	for _, r := range rs {
		ts.Readings = append(ts.Readings, tariff.ChargeReading{At: r.At, EnergyWh: max(0, r.EnergyWh-sess.MeterStart), PowerW: r.PowerW})
	}
	return ts
}

// A stop parkd asked for that the charger did not carry out (it refused,
// did not answer, was offline, or accepted and charges on) is asked again
// StopAgainAfter after the last ask, at a reading or the charging sweep
// (the sweep only while the charger is online), at most MaxStopAsks times
// in all. An ask the charger never answered is not one of them, and is
// repeated only once the charger shows a sign of life after it (a
// message, a heartbeat, a new connection), and then after a back-off
// (stopBackoff): StopAgainAfter after the first unanswered ask, doubling
// with each further one up to StopBackoffMax. An ask whose connection
// ended before the answer is not one of the unanswered asks in a row
// (dropped): the charger went away rather than stayed silent; nor is
// one whose wait parkd's shutdown cut short (Close). Once
// MaxUnansweredStops asks in a row went unanswered no more are sent at
// signs of life: the log says so and an operator's stop is still sent.
// A connected charger that stays silent is not asked into the limit, nor
// without end.
const (
	StopAgainAfter     = time.Minute
	MaxStopAsks        = 10
	StopBackoffMax     = 30 * time.Minute
	MaxUnansweredStops = 8
)

// stopBackoff is how long after the last ask parkd waits to ask again
// when unanswered asks in a row went unanswered: 1, 2, 4, 8, 16 minutes,
// then StopBackoffMax.
func stopBackoff(unanswered int) time.Duration {
	if unanswered <= 1 {
		return StopAgainAfter
	}
	if unanswered > 6 {
		return StopBackoffMax
	}
	return min(StopAgainAfter<<(unanswered-1), StopBackoffMax)
}

// stopOwed reports whether a session asked to stop is to be asked again
// at now, its charger last seen at seen.
func stopOwed(sess *park.ChargeSession, now, seen time.Time) bool {
	if sess.StopAsked == nil || sess.StopAsks >= MaxStopAsks {
		return false
	}
	wait := StopAgainAfter
	if sess.StopUnheard != nil {
		if sess.StopUnanswered >= MaxUnansweredStops || !seen.After(*sess.StopUnheard) {
			return false // left to the operator, or silent since the unanswered ask
		}
		wait = stopBackoff(sess.StopUnanswered)
	}
	last := *sess.StopAsked
	if sess.StopSent != nil {
		last = *sess.StopSent
	}
	return now.Sub(last) >= wait
}

// exhausted reports whether a session's prepayment is used up at end: its
// energy already costs it all, or the next minute would cost more (a
// started time block is paid in full, so a session may use its block).
// A session that paid the full charge price is never: its bill cannot
// exceed that price, however much it charges until full.
func exhausted(sess *park.ChargeSession, st *tariff.ChargeStandard, loc *time.Location, end time.Time) bool {
	if sess.Prepaid == 0 || neverUsedUp(st, sess.Prepaid) {
		return false
	}
	open := byUseUncapped(st)
	// What the session used by end, not capped at the prepayment.
	use := func(end time.Time) int64 {
		in := priced(sess, loc, end)
		in.Prepaid = 0
		return open.Price(in).Amount
	}
	if use(end) >= sess.Prepaid && st.Kind == tariff.ChargeByEnergy {
		return true
	}
	return use(end.Add(time.Minute)) > sess.Prepaid
}

// neverUsedUp reports whether a prepayment on st never runs out: a bought
// package is its price, and a session that paid the full charge price
// cannot be billed more, however much it charges until full.
func neverUsedUp(st *tariff.ChargeStandard, prepaid int64) bool {
	return st.Payment == tariff.ChargePrepaidPackage || st.FullPrice > 0 && prepaid >= st.FullPrice
}

// byUseUncapped is st billing what a session used: from a balance, with
// no full charge price and no minimum (a floor on the bill, not money
// used).
func byUseUncapped(st *tariff.ChargeStandard) *tariff.ChargeStandard {
	open := *st
	open.Payment = tariff.ChargeFromBalance
	open.FullPrice = 0
	open.Minimum = 0
	return &open
}

// firstMinute is what the first minute of a session started at at uses,
// before any energy: a time block started is paid whole, so it is the
// least a prepayment must be not to run out at once (exhausted). By power
// the band is the one the readings will measure, unknown at the start
// (parkd does not know what a port draws), so it is the dearest band's:
// each band is priced as the rule bills it, with a reading at its least
// power.
func firstMinute(st *tariff.ChargeStandard, loc *time.Location, at time.Time) int64 {
	open := byUseUncapped(st)
	first := func(readings []tariff.ChargeReading) int64 {
		return open.Price(&tariff.ChargeSession{Start: at, End: at.Add(time.Minute), Loc: loc, Readings: readings}).Amount
	}
	most := first(nil)
	if st.Kind == tariff.ChargeByPower {
		for _, g := range st.Segments {
			most = max(most, first([]tariff.ChargeReading{{At: at, PowerW: g.MinPower}}))
		}
	}
	return most
}

// timeUp returns the end reason when a session's time is up at end: the
// bought time (EndTimer) or the standard's longest charge (EndTimeLimit).
func timeUp(sess *park.ChargeSession, st *tariff.ChargeStandard, end time.Time) int {
	used := end.Sub(*sess.StartedAt)
	switch {
	case sess.LimitMinutes > 0 && used >= time.Duration(sess.LimitMinutes)*time.Minute:
		return park.EndTimer
	case st.MaxTime > 0 && used >= st.MaxTime:
		return park.EndTimeLimit
	}
	return 0
}

// addReadings adds readings not already held (same time and register) to
// the session's, in park.CompareReadings order, and returns those it
// added: the ones to store (park.Tx.AddChargeReadings).
func addReadings(sess *park.ChargeSession, rs []park.MeterReading) []park.MeterReading {
	var added []park.MeterReading
	for _, r := range rs {
		dup := slices.ContainsFunc(sess.Readings, func(x park.MeterReading) bool { return x.At.Equal(r.At) && x.EnergyWh == r.EnergyWh })
		if !dup && len(sess.Readings) < maxReadings {
			sess.Readings = append(sess.Readings, r)
			added = append(added, r)
		}
	}
	slices.SortFunc(sess.Readings, park.CompareReadings)
	return added
}

// maxReadings bounds a session's stored readings (a reading a minute for
// a week); later ones are dropped, and the bill then rests on the stop's
// meter value.
const maxReadings = 10_080

// reportEnd writes the end-of-charge report in the transaction that ended
// the session. A session a partner started is its order: the report goes
// to that partner alone, not to the other apps of the lot. One started
// otherwise (the native API, a tag at the charger) goes to every partner
// of the lot that subscribed.
func (s *Service) reportEnd(ctx context.Context, tx park.Tx, sess *park.ChargeSession) error {
	build := func() (*park.ReportData, error) {
		c := *sess
		c.Readings = nil
		return &park.ReportData{Charge: &c}, nil
	}
	if sess.PartnerID == "" {
		return s.base.Report(ctx, tx, park.ReportChargeEnd, sess.LotCode, park.ChargeKey(sess.ID), *sess.EndedAt, build)
	}
	subs, err := tx.ListSubscriptions(ctx, sess.PartnerID)
	if err != nil {
		return err
	}
	var to []string
	for _, sub := range subs {
		if sub.Report == park.ReportChargeEnd {
			to = append(to, sub.ID)
		}
	}
	return s.base.ReportTo(ctx, tx, to, park.ReportChargeEnd, sess.LotCode, park.ChargeKey(sess.ID), *sess.EndedAt, build)
}

// chargerFor returns a charger partnerID ("" is the operator) may use:
// one of its lots' chargers (core.PartnerLot). Another lot's charger is
// not found, as one that does not exist.
func chargerFor(ctx context.Context, tx park.Tx, partnerID, id string) (*park.Charger, error) {
	// An unknown charger and one of a lot the partner may not use are
	// told alike, naming the field.
	notFound := &park.Error{Code: park.ENotFound, Field: "charger_id", Message: "charger " + strconv.Quote(id) + " not found"}
	c, err := tx.GetCharger(ctx, id)
	if park.IsCode(err, park.ENotFound) {
		return nil, notFound
	} else if err != nil {
		return nil, err
	}
	if err := core.PartnerLot(ctx, tx, partnerID, c.LotCode); park.IsCode(err, park.ENotFound) {
		return nil, notFound
	} else if err != nil {
		return nil, err
	}
	return c, nil
}

// ChargerFor returns a charger a partner may use (ENotFound otherwise).
func (s *Service) ChargerFor(ctx context.Context, partnerID, id string) (*park.Charger, error) {
	var c *park.Charger
	err := s.base.View(ctx, func(tx park.Tx) (err error) {
		c, err = chargerFor(ctx, tx, partnerID, id)
		return err
	})
	return c, err
}

// StandardUse counts the chargers in service on each standard, among the
// chargers partnerID may use ("" is the operator: every lot's). A
// partner learns nothing of other lots' chargers, not even how many use
// a standard; its lots are read with the chargers.
func (s *Service) StandardUse(ctx context.Context, partnerID string) (map[int64]int, error) {
	use := map[int64]int{}
	err := s.base.View(ctx, func(tx park.Tx) error {
		clear(use)
		var p *park.Partner
		if partnerID != "" {
			var err error
			if p, err = tx.GetPartner(ctx, partnerID); park.IsCode(err, park.ENotFound) {
				return nil
			} else if err != nil {
				return err
			}
		}
		cs, err := tx.ListChargers(ctx, "")
		if err != nil {
			return err
		}
		for _, c := range cs {
			if c.Retired == nil && (p == nil || p.MayUse(c.LotCode)) {
				use[c.StandardID]++
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return use, nil
}

// seenAt is when a charger was last seen (its last heartbeat or message,
// or its connection), zero when never.
func seenAt(c *park.Charger) time.Time {
	if c.LastHeartbeat == nil {
		return time.Time{}
	}
	return *c.LastHeartbeat
}
