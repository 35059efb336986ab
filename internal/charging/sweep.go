package charging

import (
	"context"
	"time"

	"parkd/internal/park"
	"parkd/internal/tariff"
)

// Sweep timings.
const (
	// PendingFor is how long a session asked for may wait for its charger
	// to start it before it fails and its prepayment is refunded.
	PendingFor = 2 * time.Minute
	// LostAfter is how long a charging session's charger may stay silent
	// before the session ends as lost, billed to its last reading or
	// heartbeat. A charger that comes back later finds the transaction
	// ended.
	LostAfter = 24 * time.Hour
	sweepPage = 100
)

// Sweep does what no charger message triggers: it writes the heartbeats
// kept in memory, records offline the chargers silent for SilentAfter
// (silent.go), drops old relayed commands, fails sessions never started,
// stops sessions whose time or money ran out between readings, and ends
// sessions of chargers lost for LostAfter. app runs it every few
// seconds on every node; what it changes is guarded by versions, so two
// nodes sweeping at once do each thing once.
func (s *Service) Sweep(ctx context.Context) error {
	if err := s.FlushHeartbeats(ctx); err != nil {
		s.base.Log.Warn("charging sweep: writing heartbeats", "err", err)
	}
	// After the flush: a charger seen here since the last sweep is not
	// silent to another node's sweep either.
	if err := s.dropSilent(ctx); err != nil {
		s.base.Log.Warn("charging sweep: finding silent chargers", "err", err)
	}
	if err := s.dropRelayed(ctx); err != nil {
		s.base.Log.Warn("charging sweep: dropping old relayed commands", "err", err)
	}
	for _, status := range []string{park.SessionPending, park.SessionCharging} {
		f := park.ChargeSessionFilter{Status: status, Limit: sweepPage}
		for {
			var page []*park.ChargeSession
			if err := s.base.View(ctx, func(tx park.Tx) (err error) { page, err = tx.ListChargeSessions(ctx, f); return }); err != nil {
				return err
			}
			due, err := s.due(ctx, page)
			if err != nil {
				return err
			}
			for _, sess := range due {
				if err := s.sweepOne(ctx, sess); err != nil {
					s.base.Log.Warn("charging sweep", "session", sess.ID, "err", err)
				}
			}
			if len(page) < f.Limit {
				break
			}
			last := page[len(page)-1]
			f.AfterUpdated, f.AfterID = last.UpdatedAt, last.ID
		}
	}
	return nil
}

// due picks, in one read-only transaction, the sessions of a page that
// sweepOne has something to do for: most charging sessions have none,
// and with thousands of chargers a write transaction for each at every
// sweep would be most of the database's work.
func (s *Service) due(ctx context.Context, page []*park.ChargeSession) ([]*park.ChargeSession, error) {
	now := s.base.Clock()
	var out []*park.ChargeSession
	err := s.base.View(ctx, func(tx park.Tx) error {
		out = out[:0]
		std := s.standards(ctx, tx) // a page's sessions mostly share a few standards
		for _, sess := range page {
			if sess.Status == park.SessionPending {
				if now.Sub(sess.CreatedAt) >= PendingFor {
					out = append(out, sess)
				}
				continue
			}
			lost, _, reason, err := s.verdict(ctx, tx, sess, now, std)
			if err != nil {
				s.base.Log.Warn("charging sweep", "session", sess.ID, "err", err)
				continue
			}
			if lost || reason != 0 {
				out = append(out, sess)
			}
		}
		return nil
	})
	return out, err
}

// standardOf returns a session's price standard and its lot's time zone.
type standardOf func(sess *park.ChargeSession) (*tariff.ChargeStandard, *time.Location, error)

// standards is s.standard remembered per standard, version and lot, for
// one transaction.
func (s *Service) standards(ctx context.Context, tx park.Tx) standardOf {
	type key struct {
		id, version int64
		lot         string
	}
	type val struct {
		st  *tariff.ChargeStandard
		loc *time.Location
	}
	seen := map[key]val{}
	return func(sess *park.ChargeSession) (*tariff.ChargeStandard, *time.Location, error) {
		k := key{sess.StandardID, sess.StandardVersion, sess.LotCode}
		if v, ok := seen[k]; ok {
			return v.st, v.loc, nil
		}
		st, loc, _, err := s.standard(ctx, tx, k.id, k.version, k.lot)
		if err == nil {
			seen[k] = val{st, loc}
		}
		return st, loc, err
	}
}

// verdict says what the sweep does to a charging session at now: end it
// as lost (billed to end), or ask its charger to stop for reason. It
// reads the charger only where its liveness decides: a session started
// less than LostAfter ago cannot be lost (the charger's last heartbeat is
// no earlier than that), and a stop asked is asked again only once due.
// Most sessions are neither, and the sweep visits every one.
func (s *Service) verdict(ctx context.Context, tx park.Tx, sess *park.ChargeSession, now time.Time, std standardOf) (lost bool, end time.Time, reason int, err error) {
	st, loc, err := std(sess)
	if err != nil {
		return false, end, 0, err
	}
	if now.Sub(*sess.StartedAt) >= LostAfter {
		c, err := tx.GetCharger(ctx, sess.ChargerID)
		if err != nil {
			return false, end, 0, err
		}
		seen := *sess.StartedAt
		if c.LastHeartbeat != nil && c.LastHeartbeat.After(seen) {
			seen = *c.LastHeartbeat
		}
		if now.Sub(seen) >= LostAfter {
			// Billed to the charger's last sign of life: its last
			// reading or heartbeat, but not past a stop parkd asked for.
			end = seen
			if n := len(sess.Readings); n > 0 && sess.Readings[n-1].At.After(end) {
				end = sess.Readings[n-1].At
			}
			if sess.StopAsked != nil && end.After(*sess.StopAsked) {
				end = *sess.StopAsked
			}
			return true, end, 0, nil
		}
	}
	if sess.StopAsked != nil {
		if !stopOwed(sess, now, now) { // not due, whenever the charger was seen
			return false, end, 0, nil
		}
		c, err := tx.GetCharger(ctx, sess.ChargerID)
		if err != nil {
			return false, end, 0, err
		}
		s.overlay(c)
		if c.Online && stopOwed(sess, now, seenAt(c)) {
			return false, end, sess.StopReason, nil // asked, and still charging
		}
		return false, end, 0, nil
	}
	// Between readings only time moves: the energy stays at the last
	// reading, so a time-priced session still runs out of money.
	return false, end, mustStop(sess, st, loc, now), nil
}

// mustStop is why a session not yet asked to stop must stop at at (0: it
// need not): its time or its money used up, or a full car on a standard
// that powers it off.
func mustStop(sess *park.ChargeSession, st *tariff.ChargeStandard, loc *time.Location, at time.Time) int {
	if reason := timeUp(sess, st, at); reason != 0 {
		return reason
	}
	if exhausted(sess, st, loc, at) {
		return park.EndMoneyUsedUp
	}
	if sess.Full && st.StopWhenFull {
		return park.EndFull
	}
	return 0
}

// EndLost ends a charging session as lost (EndLost) at an operator's
// word: a charger that forgot the transaction (it rebooted without
// StopTransaction) but keeps talking never lets it end, nor its connector
// be used. It is billed to its last reading (its start without one), not
// past a stop parkd asked for; a StopTransaction the charger sends later
// finds it ended and changes nothing. A pending session fails as
// StopSession fails it; EConflict when it has ended, ENotFound.
func (s *Service) EndLost(ctx context.Context, id string) (*park.ChargeSession, error) {
	var sess *park.ChargeSession
	pending := false
	err := s.base.Update(ctx, func(tx park.Tx) (err error) {
		pending = false
		if sess, err = tx.GetChargeSession(ctx, id); err != nil {
			return err
		}
		switch sess.Status {
		case park.SessionPending:
			pending = true
			return nil
		case park.SessionCharging:
		default:
			return park.Conflict("session_id", "charge session %q has ended", id)
		}
		st, loc, _, err := s.standard(ctx, tx, sess.StandardID, sess.StandardVersion, sess.LotCode)
		if err != nil {
			return err
		}
		end := *sess.StartedAt
		if n := len(sess.Readings); n > 0 {
			end = sess.Readings[n-1].At
		}
		if sess.StopAsked != nil && end.After(*sess.StopAsked) {
			end = *sess.StopAsked
		}
		return s.end(ctx, tx, sess, st, loc, end, park.EndLost, false)
	})
	if err == nil && pending {
		return s.failPending(ctx, id)
	}
	return sess, err
}

func (s *Service) sweepOne(ctx context.Context, sess *park.ChargeSession) error {
	now := s.base.Clock()
	if sess.Status == park.SessionPending {
		_, err := s.failPending(ctx, sess.ID)
		return err
	}
	var reason int
	err := s.base.Update(ctx, func(tx park.Tx) (err error) {
		reason = 0
		if sess, err = tx.GetChargeSession(ctx, sess.ID); err != nil || sess.Status != park.SessionCharging {
			return err
		}
		lost, end, r, err := s.verdict(ctx, tx, sess, now, s.standards(ctx, tx))
		if err != nil || !lost {
			reason = r
			return err
		}
		st, loc, _, err := s.standard(ctx, tx, sess.StandardID, sess.StandardVersion, sess.LotCode)
		if err != nil {
			return err
		}
		return s.end(ctx, tx, sess, st, loc, end, park.EndLost, false)
	})
	if err == nil && reason != 0 {
		_, _, err = s.askStop(ctx, sess, reason, true)
	}
	return err
}
