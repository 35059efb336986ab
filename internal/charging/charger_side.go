package charging

import (
	"context"
	"time"

	"parkd/internal/core"
	"parkd/internal/park"
	"parkd/internal/tariff"
)

// What chargers tell parkd: the OCPP central system calls these for the
// messages a charge point sends. Times are the charger's; parkd believes
// them only within maxClockSkew of its own clock (see believe).

// Booted records a charger's BootNotification: it is online with this
// vendor, model and firmware (ENotFound; EConflict when retired).
func (s *Service) Booted(ctx context.Context, id, vendor, model, firmware string) (*park.Charger, error) {
	c, err := s.touch(ctx, id, func(c *park.Charger, now time.Time) {
		c.Vendor, c.Model, c.Firmware = clip(vendor), clip(model), clip(firmware)
		c.Online, c.LastHeartbeat = true, &now
	})
	if err == nil {
		s.beats.online(id)
	}
	return c, err
}

// Heartbeat records that a charger is alive: at once for a charger this
// node has not recorded online yet, otherwise in the next batch (see
// heartbeats.go).
func (s *Service) Heartbeat(ctx context.Context, id string) error {
	if s.beats.keep(id, s.base.Clock()) {
		return nil
	}
	if _, err := s.touch(ctx, id, func(c *park.Charger, now time.Time) { c.Online, c.LastHeartbeat = true, &now }); err != nil {
		return err
	}
	s.beats.online(id)
	return nil
}

// Connected records that a charger opened a connection and returns the
// connection's id, which its row names from now on (see
// park.Charger.Connection): the charger is online, reached through this
// connection, and seen now. ENotFound; EConflict when retired.
func (s *Service) Connected(ctx context.Context, id string) (string, error) {
	conn := core.NewID()
	_, err := s.touch(ctx, id, func(c *park.Charger, now time.Time) {
		c.Online, c.Connection = true, conn
		if c.LastHeartbeat == nil || c.LastHeartbeat.Before(now) {
			c.LastHeartbeat = &now
		}
	})
	if err != nil {
		return "", err
	}
	s.beats.online(id)
	return conn, nil
}

// Seen records that a charger sent a message, which tells as much as a
// heartbeat (see SilentAfter); it is kept in memory like one, for a
// charger connected here.
func (s *Service) Seen(id string) { s.beats.keep(id, s.base.Clock()) }

// Disconnected records that a charger's connection conn closed. The
// charger goes offline only while its row still names conn: when it
// reconnected meanwhile, on this node or another, the newer connection
// is the charger. Its open sessions stay open: a charger that comes back
// sends their StopTransaction with the meter values it kept.
func (s *Service) Disconnected(ctx context.Context, id, conn string) error {
	at, kept := s.beats.forget(id)
	return s.base.Update(ctx, func(tx park.Tx) error {
		c, err := tx.GetCharger(ctx, id)
		if err != nil {
			return err
		}
		if c.Retired != nil {
			return nil // offline since it was retired
		}
		changed := false
		if c.Online && c.Connection == conn {
			wentOffline(c)
			changed = true
		}
		if kept && (c.LastHeartbeat == nil || c.LastHeartbeat.Before(at)) {
			c.LastHeartbeat, changed = &at, true
		}
		if !changed {
			return nil
		}
		c.UpdatedAt = s.base.Clock()
		return tx.UpdateCharger(ctx, c) // versioned: a connect written meanwhile makes this run again
	})
}

// ConnectorStatus records a StatusNotification (connector 0 is the charger
// itself).
func (s *Service) ConnectorStatus(ctx context.Context, id string, connector int, status, errorCode string) (*park.Charger, error) {
	return s.touch(ctx, id, func(c *park.Charger, now time.Time) {
		st := park.ConnectorState{Connector: connector, Status: clip(status), ErrorCode: clip(errorCode), At: now}
		for i := range c.Ports {
			if c.Ports[i].Connector == connector {
				c.Ports[i] = st
				return
			}
		}
		c.Ports = append(c.Ports, st)
	})
}

func clip(v string) string {
	if len(v) > 50 {
		v = v[:50]
	}
	return park.CleanText(v)
}

func (s *Service) touch(ctx context.Context, id string, fn func(*park.Charger, time.Time)) (*park.Charger, error) {
	var c *park.Charger
	err := s.base.Update(ctx, func(tx park.Tx) (err error) {
		if c, err = tx.GetCharger(ctx, id); err != nil {
			return err
		}
		if c.Retired != nil {
			return park.Errorf(park.EConflict, "charger %q is retired", id)
		}
		now := s.base.Clock()
		fn(c, now)
		c.UpdatedAt = now
		return tx.UpdateCharger(ctx, c)
	})
	return c, err
}

// Authorize answers whether an id tag may charge at a charger: the tag of
// a session asked for on it (and not ended), a card registered in its lot
// (see tagStatus), or a plate of the lot's drivers.
func (s *Service) Authorize(ctx context.Context, chargerID, idTag string) (TagAnswer, error) {
	ans := TagAnswer{Status: TagInvalid}
	err := s.base.View(ctx, func(tx park.Tx) error {
		c, err := tx.GetCharger(ctx, chargerID)
		if err != nil {
			return err
		}
		for n := 1; n <= c.Connectors; n++ {
			sess, err := tx.OpenChargeSession(ctx, chargerID, n)
			if err == nil && sess.IDTag == idTag {
				ans = TagAnswer{Status: TagAccepted}
				return nil
			} else if err != nil && !park.IsCode(err, park.ENotFound) {
				return err
			}
		}
		ans, _, err = s.tagStatus(ctx, tx, c, idTag)
		return err
	})
	return ans, err
}

// StopTag answers the id tag a charger stopped a transaction with, which
// the charger keeps in its authorization cache: a card registered in the
// lot or a plate of the lot's drivers as it stands now (so a blocked or
// expired card leaves the cache, and an accepted one with its expiry);
// any other tag, such as a session's own, accepted: it was good for the
// transaction that just ended.
func (s *Service) StopTag(ctx context.Context, chargerID, idTag string) (TagAnswer, error) {
	ans := TagAnswer{Status: TagAccepted}
	err := s.base.View(ctx, func(tx park.Tx) error {
		a, err := s.chargerTag(ctx, tx, chargerID, idTag)
		if err == nil && a.Status != TagInvalid {
			ans = a
		}
		return err
	})
	return ans, err
}

// chargerTag is tagStatus's answer for a tag at a charger, by its id.
func (s *Service) chargerTag(ctx context.Context, tx park.Tx, chargerID, idTag string) (TagAnswer, error) {
	c, err := tx.GetCharger(ctx, chargerID)
	if err != nil {
		return TagAnswer{}, err
	}
	a, _, err := s.tagStatus(ctx, tx, c, idTag)
	return a, err
}

// tagOfLot reports until when an id tag presented at a charger is a plate
// with a valid pass or allowing list entry in the charger's lot (nil: it
// is not, or a deny entry keeps it out), and its plate key: the lot's own
// drivers charge with their plate as id tag, billed by use. A pass and an
// entry both valid: the later end.
func (s *Service) tagOfLot(ctx context.Context, tx park.Tx, c *park.Charger, idTag string) (*time.Time, string, error) {
	p, err := core.Plate("idTag", idTag)
	if err != nil {
		return nil, "", nil
	}
	now := s.base.Clock()
	var until *time.Time
	pass, err := tx.FindPassByPlate(ctx, c.LotCode, p.Key)
	if err == nil && pass.ValidAt(now) {
		until = &pass.ValidTo
	} else if err != nil && !park.IsCode(err, park.ENotFound) {
		return nil, "", err
	}
	w, err := tx.FindWhitelist(ctx, c.LotCode, p.Key)
	switch {
	case err == nil && w.DeniesAt(now):
		return nil, "", nil // kept out of the lot, pass or not: no charging on its plate either
	case err == nil && w.AllowsAt(now) && (until == nil || w.ValidTo.After(*until)):
		until = &w.ValidTo
	case err != nil && !park.IsCode(err, park.ENotFound):
		return nil, "", err
	}
	if until == nil {
		return nil, "", nil
	}
	return until, p.Key, nil
}

// Started is a charger's StartTransaction.
type Started struct {
	ChargerID  string
	Connector  int
	IDTag      string
	MeterStart int64 // Wh
	At         time.Time
}

// ChargerStarted records a StartTransaction and returns the transaction id
// and the id tag's status. A tag is accepted for the session asked for on
// that connector with that tag, or opens a session of its own (see
// openAtCharger); the same start sent again gets the same transaction id.
// A refused start gets an id of no session, and the charger stops.
func (s *Service) ChargerStarted(ctx context.Context, in Started) (int64, TagAnswer, error) {
	var txID int64
	status := TagAnswer{Status: TagInvalid}
	err := s.base.Update(ctx, func(tx park.Tx) error {
		txID, status = 0, TagAnswer{Status: TagInvalid}
		sess, err := tx.OpenChargeSession(ctx, in.ChargerID, in.Connector)
		if park.IsCode(err, park.ENotFound) {
			// No session asked for: a driver's own tag may open one.
			if sess, status, err = s.openAtCharger(ctx, tx, in); err != nil || sess == nil {
				txID = newTransactionID()
				return err
			}
		} else if err == nil && sess.IDTag != in.IDTag {
			txID = newTransactionID()
			return nil
		}
		if err != nil {
			return err
		}
		if sess.Status == park.SessionCharging {
			if sess.MeterStart == in.MeterStart {
				// Sent again. The driver's own tag is answered as the first time.
				txID, status = sess.TransactionID, TagAnswer{Status: TagAccepted}
				if sess.Source == park.SourceCharger {
					a, err := s.chargerTag(ctx, tx, in.ChargerID, in.IDTag)
					if err != nil {
						return err
					}
					if a.Status == TagAccepted {
						status.Until = a.Until
					}
				}
			} else {
				txID = newTransactionID()
			}
			return nil
		}
		now := s.base.Clock()
		start, offset := now, time.Duration(0)
		if d := now.Sub(in.At); d.Abs() > maxClockSkew {
			offset = d // the charger's clock is off: shift its times by this much
		} else if in.At.Before(now) {
			start = in.At.Truncate(park.Precision)
		}
		sess.Status, sess.TransactionID, sess.StartedAt, sess.ClockOffset = park.SessionCharging, newTransactionID(), &start, offset
		sess.MeterStart, sess.UpdatedAt = max(0, in.MeterStart), now
		if err := tx.UpdateChargeSession(ctx, sess); err != nil {
			return err
		}
		txID, status = sess.TransactionID, TagAnswer{Status: TagAccepted, Until: status.Until}
		return nil
	})
	return txID, status, err
}

// believe turns a charger's timestamp into parkd's time: shifted by the
// session's clock offset, never before the session started nor later than
// now.
func believe(sess *park.ChargeSession, at, now time.Time) time.Time {
	at = at.Add(sess.ClockOffset).Truncate(park.Precision)
	if at.After(now) {
		at = now
	}
	if sess.StartedAt != nil && at.Before(*sess.StartedAt) {
		at = *sess.StartedAt
	}
	return at
}

// stoppedAt is when a session stopped: the stop's time (believe), never
// before its newest reading. A charger whose clock reset on power loss
// dates its stop 1970; its newest reading is the last time it is known to
// have charged (parkd may hear of the stop only after the outage). The
// stop's meter value is the register then, so no energy is lost.
func stoppedAt(sess *park.ChargeSession, at, now time.Time) time.Time {
	end := believe(sess, at, now)
	if n := len(sess.Readings); n > 0 && sess.Readings[n-1].At.After(end) {
		end = sess.Readings[n-1].At
	}
	return end
}

// Metered records a transaction's MeterValues and bills the session as of
// its newest reading (a bought package at its prepayment); full is a state of charge of 100 % among them, which marks the
// session full. When the prepayment or the time is used up, or the car is
// full on a standard that stops when full, parkd asks the charger to
// stop, in the FollowUp it returns: once the charger has its answer, since
// a charger may hold parkd's CALLs until its own is answered. A reading
// for an unknown or ended transaction is ignored.
//
// The readings are billed in a read-only transaction, and the write only
// stores the session's bill, when its version is still the one billed,
// and appends the new readings: the single SQLite writer, which every
// gate event waits for too, then runs three small statements for a
// MeterValues rather than the reads of billing. A session changed in
// between (a stop, another reading) is billed again inside the write.
func (s *Service) Metered(ctx context.Context, chargerID string, txID int64, readings []park.MeterReading, full bool) (FollowUp, error) {
	var billed *park.ChargeSession
	var added []park.MeterReading
	var reason int
	var noted []*park.Anomaly
	err := s.base.View(ctx, func(tx park.Tx) (err error) {
		billed, added, reason, err = s.meter(ctx, tx, chargerID, txID, readings, full)
		return err
	})
	if err != nil || billed == nil {
		return nil, err // nothing to store: unknown, ended, or readings already had
	}
	first := true
	err = s.base.Update(ctx, func(tx park.Tx) (err error) {
		if !first { // the session changed since it was billed
			if billed, added, reason, err = s.meter(ctx, tx, chargerID, txID, readings, full); err != nil || billed == nil {
				return err
			}
		}
		first = false
		if err := tx.UpdateChargeSession(ctx, billed); err != nil {
			return err
		}
		if noted, err = s.recordGlitches(ctx, tx, billed, added); err != nil {
			return err
		}
		return tx.AddChargeReadings(ctx, billed.ID, added)
	})
	if err == nil {
		s.logGlitches(noted)
	}
	if err != nil || billed == nil || reason == 0 {
		return nil, err
	}
	return func(ctx context.Context) {
		// Not recorded here, the charging sweep asks it (mustStop).
		if _, _, err := s.askStop(ctx, billed, reason, true); err != nil {
			s.base.Log.Warn("charging: asking a charger to stop", "charger", chargerID, "session", billed.ID, "err", err)
		}
	}, nil
}

// meter is a transaction's session with readings added (and marked full
// when full) and billed as of the newest, the readings it added, and why
// it must stop (0: it need not), unstored; nil when the transaction is
// unknown or ended or the readings add nothing.
func (s *Service) meter(ctx context.Context, tx park.Tx, chargerID string, txID int64, readings []park.MeterReading, full bool) (*park.ChargeSession, []park.MeterReading, int, error) {
	sess, st, loc, err := s.charging(ctx, tx, chargerID, txID)
	if err != nil || sess == nil {
		return nil, nil, 0, err
	}
	now := s.base.Clock()
	added := addReadings(sess, believed(sess, readings, now))
	if len(added) == 0 && (!full || sess.Full) {
		return nil, nil, 0, nil
	}
	sess.Full = sess.Full || full
	end := *sess.StartedAt // a state of charge may come without a register
	if n := len(sess.Readings); n > 0 {
		end = sess.Readings[n-1].At
	}
	bill(sess, st, loc, end)
	reason := 0
	if sess.StopAsked == nil {
		reason = mustStop(sess, st, loc, end)
	} else if stopOwed(sess, now, now) { // its MeterValues: a sign of life now
		reason = sess.StopReason
	}
	sess.UpdatedAt = now
	return sess, added, reason, nil
}

// charging is a transaction's session, still charging, with the price
// standard and time zone it is billed in; no session (and no error) when
// the transaction is unknown or has ended.
func (s *Service) charging(ctx context.Context, tx park.Tx, chargerID string, txID int64) (*park.ChargeSession, *tariff.ChargeStandard, *time.Location, error) {
	sess, err := tx.GetChargeSessionByTransaction(ctx, chargerID, txID)
	if park.IsCode(err, park.ENotFound) {
		return nil, nil, nil, nil
	}
	if err != nil || sess.Status != park.SessionCharging {
		return nil, nil, nil, err
	}
	st, loc, _, err := s.standard(ctx, tx, sess.StandardID, sess.StandardVersion, sess.LotCode)
	if err != nil {
		return nil, nil, nil, err
	}
	return sess, st, loc, nil
}

// believed is a copy of readings at the times parkd believes (believe):
// the caller's readings stay as the charger sent them, for another attempt of
// the transaction.
func believed(sess *park.ChargeSession, readings []park.MeterReading, now time.Time) []park.MeterReading {
	rs := make([]park.MeterReading, len(readings))
	for i, r := range readings {
		r.At = believe(sess, r.At, now)
		rs[i] = r
	}
	return rs
}

// Stopped is a charger's StopTransaction.
type Stopped struct {
	ChargerID string
	TxID      int64
	MeterStop int64
	At        time.Time
	// Reason is the end reason (park.End*); 0 means the charger gave none
	// or said parkd asked, and then parkd's own reason holds.
	Reason   int
	Full     bool
	Readings []park.MeterReading // transactionData
}

// ChargerStopped ends a session with its final bill and writes its
// end-of-charge report in the same transaction. A stop for an unknown or
// already ended transaction changes nothing (a charger resends a stop it
// kept while offline).
func (s *Service) ChargerStopped(ctx context.Context, in Stopped) error {
	var noted []*park.Anomaly
	err := s.base.Update(ctx, func(tx park.Tx) (err error) {
		sess, st, loc, err := s.charging(ctx, tx, in.ChargerID, in.TxID)
		if err != nil || sess == nil {
			return err
		}
		now := s.base.Clock()
		added := addReadings(sess, believed(sess, in.Readings, now))
		end := stoppedAt(sess, in.At, now)
		final := park.MeterReading{At: end, EnergyWh: in.MeterStop, PowerW: -1}
		added = append(added, addReadings(sess, []park.MeterReading{final})...)
		if err := tx.AddChargeReadings(ctx, sess.ID, added); err != nil {
			return err
		}
		if noted, err = s.recordGlitches(ctx, tx, sess, added); err != nil {
			return err
		}
		if sess.StopUnheard != nil {
			// It stopped: the stop whose answer never came is settled,
			// once; a late answer to it finds nothing unheard (heard).
			sess.StopUnheard, sess.StopAsks, sess.StopUnanswered, sess.StopUnansweredSince = nil, sess.StopAsks+1, 0, nil
		}
		return s.end(ctx, tx, sess, st, loc, end, in.Reason, in.Full)
	})
	if err == nil {
		s.logGlitches(noted)
	}
	return err
}

// end closes a charging session at end with its final bill.
func (s *Service) end(ctx context.Context, tx park.Tx, sess *park.ChargeSession, st *tariff.ChargeStandard, loc *time.Location, end time.Time, reason int, full bool) error {
	if reason == 0 || reason == park.EndManual && sess.StopReason != 0 {
		reason = sess.StopReason
	}
	if reason == 0 {
		reason = park.EndManual
	}
	sess.Full = sess.Full || full || reason == park.EndFull
	if sess.Full && (reason == park.EndManual || reason == park.EndUnplugged) {
		// A full car ends as full: OCPP has no such stop reason, and a
		// charger ends a full charge as a stop or an unplugging. A fault,
		// or a stop parkd asked for time or money, keeps its reason.
		reason = park.EndFull
	}
	bill(sess, st, loc, end)
	now := s.base.Clock()
	sess.Status, sess.EndedAt, sess.EndReason, sess.UpdatedAt = park.SessionEnded, &end, reason, now
	if err := tx.UpdateChargeSession(ctx, sess); err != nil {
		return err
	}
	return s.reportEnd(ctx, tx, sess)
}

// openAtCharger opens a pending session for an id tag presented at the
// charger when tagStatus accepts it: open-ended, billed by use, for the
// tag's plate (so the car may park free while it charges). It returns nil
// and the tag's status when it opens none.
func (s *Service) openAtCharger(ctx context.Context, tx park.Tx, in Started) (*park.ChargeSession, TagAnswer, error) {
	invalid := TagAnswer{Status: TagInvalid}
	c, err := tx.GetCharger(ctx, in.ChargerID)
	if err != nil {
		return nil, invalid, err
	}
	if c.Retired != nil || c.Availability != park.ChargerOperative || in.Connector < 1 || in.Connector > c.Connectors {
		return nil, invalid, nil
	}
	st, plateKey, err := s.tagStatus(ctx, tx, c, in.IDTag)
	if err != nil || st.Status != TagAccepted {
		return nil, st, err
	}
	std, _, version, err := s.standard(ctx, tx, c.StandardID, 0, c.LotCode)
	if err != nil {
		return nil, invalid, err
	}
	now := s.base.Clock()
	sess := &park.ChargeSession{ID: newSessionID(now), ChargerID: c.ID, Connector: in.Connector, LotCode: c.LotCode,
		StandardID: c.StandardID, StandardVersion: version, IDTag: in.IDTag, PlateKey: plateKey, Source: park.SourceCharger, Status: park.SessionPending,
		RefundTo: nameOf(refundNames, std.RefundTo), CreatedAt: now, UpdatedAt: now}
	if err := tx.InsertChargeSession(ctx, sess); err != nil {
		return nil, invalid, err
	}
	return sess, st, nil
}
