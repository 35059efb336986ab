package gate

import (
	"context"
	"time"

	"parkd/internal/core"
	"parkd/internal/park"
	"parkd/internal/plate"
)

// The gate's reports to partners (docs/deliveries.md), each written in
// the transaction of the change it tells of. Their content is built only
// when a partner subscribed.

// reportEvent tells of a car that passed a lane: its entry, or its exit
// with the settled stay (an order), and an abnormal lift when it passed a
// lane held open that the rules would have kept closed.
func (s *Service) reportEvent(ctx context.Context, tx park.Tx, l *park.Lot, in *EventInput, p plate.Plate, dec park.Decision, now time.Time) error {
	if dec.Decision != park.DecisionOpen || dec.StayID == "" {
		return nil
	}
	key := park.StayKey(dec.StayID)
	ev := &park.Event{ID: in.ID, LotCode: l.Code, Type: in.Type, Plate: p.Text, Lane: in.Lane, At: in.At,
		ImageURL: in.ImageURL, PlateColor: in.PlateColor, VehicleClass: in.VehicleClass, Decision: dec, ReceivedAt: now}
	stay := func() (*park.Stay, error) { return tx.GetStay(ctx, dec.StayID) }
	if in.Type == park.EventEntry {
		err := s.base.Report(ctx, tx, park.ReportEntry, l.Code, key, in.At, func() (*park.ReportData, error) {
			st, err := stay()
			if err != nil {
				return nil, err
			}
			occ, err := occupancyAfter(ctx, tx, l)
			if err != nil {
				return nil, err
			}
			category := dec.Reason
			if p.Kind == plate.KindNoPlate {
				category = "plateless"
			}
			return &park.ReportData{Lot: core.ReportLot(l), Stay: st, Event: ev, Occupancy: &occ, Category: category}, nil
		})
		if err != nil {
			return err
		}
	} else {
		if err := s.reportLeft(ctx, tx, l, dec.StayID, ev, "", ""); err != nil {
			return err
		}
	}
	if dec.Reason != park.ReasonHeldOpen && dec.Reason != park.ReasonOffline {
		return nil
	}
	return s.base.Report(ctx, tx, park.ReportAbnormalLift, l.Code, key, in.At, func() (*park.ReportData, error) {
		st, err := stay()
		if err != nil {
			return nil, err
		}
		hold, err := tx.GetLaneHold(ctx, l.Code, in.Lane)
		if err != nil {
			return nil, err
		}
		d := &park.ReportData{Lot: core.ReportLot(l), Stay: st, Event: ev, Unpaid: new(dec.AmountDue),
			Reason: "the lane was held open; the rules would have kept the barrier down"}
		if dec.Reason == park.ReasonOffline {
			d.Reason = "the lane was offline and let the car pass; the rules would have kept the barrier down"
			return d, nil
		}
		if hold != nil {
			d.By = hold.By
		}
		return d, nil
	})
}

// reportLeft tells of a stay that closed: its exit, and its order (the
// settled stay with its payments and the coupons it used).
func (s *Service) reportLeft(ctx context.Context, tx park.Tx, l *park.Lot, stayID string, ev *park.Event, by, reason string) error {
	return s.reportLeftWith(ctx, tx, l, stayID, ev, by, reason, nil)
}

// reportLeftWith is reportLeft with the occupancy the exit report shows,
// counted earlier in the transaction (nil: counted now).
func (s *Service) reportLeftWith(ctx context.Context, tx park.Tx, l *park.Lot, stayID string, ev *park.Event, by, reason string, counted *park.Occupancy) error {
	key, at := park.StayKey(stayID), s.base.Clock()
	if ev != nil {
		at = ev.At
	}
	var st *park.Stay
	stay := func() (*park.Stay, error) {
		var err error
		if st == nil {
			st, err = tx.GetStay(ctx, stayID)
		}
		return st, err
	}
	err := s.base.Report(ctx, tx, park.ReportExit, l.Code, key, at, func() (*park.ReportData, error) {
		st, err := stay()
		if err != nil {
			return nil, err
		}
		occ := counted
		if occ == nil {
			o, err := occupancyAfter(ctx, tx, l)
			if err != nil {
				return nil, err
			}
			occ = &o
		}
		return &park.ReportData{Lot: core.ReportLot(l), Stay: st, Event: ev, Occupancy: occ, By: by, Reason: reason}, nil
	})
	if err != nil {
		return err
	}
	return s.base.Report(ctx, tx, park.ReportOrder, l.Code, key, at, func() (*park.ReportData, error) {
		st, err := stay()
		if err != nil {
			return nil, err
		}
		pays, err := tx.ListStayPayments(ctx, st.ID)
		if err != nil {
			return nil, err
		}
		cs, err := tx.StayCoupons(ctx, st.LotCode, st.PlateKey, st.ID)
		if err != nil {
			return nil, err
		}
		used := cs[:0]
		for _, c := range cs {
			if c.State == park.CouponUsed && c.StayID == st.ID {
				used = append(used, c)
			}
		}
		return &park.ReportData{Lot: core.ReportLot(l), Stay: st, Event: ev, Payments: pays, Coupons: used,
			Unpaid: new(max(st.Total-st.Paid, 0)), By: by, Reason: reason}, nil
	})
}

// occupancyIfReported is occupancyAfter when a partner subscribed to
// reports of kind, which will show it; nil otherwise, counting nothing.
func (s *Service) occupancyIfReported(ctx context.Context, tx park.Tx, l *park.Lot, kind string) (*park.Occupancy, error) {
	if ok, err := tx.Subscribed(ctx, l.Code, kind); err != nil || !ok {
		return nil, err
	}
	occ, err := occupancyAfter(ctx, tx, l)
	if err != nil {
		return nil, err
	}
	return &occ, nil
}

// occupancyAfter is the lot's occupancy with this transaction's change
// (l.Occupied, written at its end) counted. Near full it first waits for
// the lot's entries in flight (Tx.Serialize, as their capacity check
// does) and counts what they committed: lanes deciding at once on other
// nodes would each report a figure without the others', and the last
// one a platform heard would stay wrong until the next car.
func occupancyAfter(ctx context.Context, tx park.Tx, l *park.Lot) (park.Occupancy, error) {
	inside, err := tx.CountInside(ctx, l.Code)
	if err != nil {
		return park.Occupancy{}, err
	}
	if inside+l.Occupied+capacityMargin >= l.Capacity {
		if err := tx.Serialize(ctx, "lot-capacity:"+l.Code); err != nil {
			return park.Occupancy{}, err
		}
		if inside, err = tx.CountInside(ctx, l.Code); err != nil {
			return park.Occupancy{}, err
		}
	}
	return park.NewOccupancy(l.Capacity, inside+l.Occupied), nil
}

// reportCommand tells of a barrier command: a manual lift (open or hold
// open, by whom and why) is an abnormal lift; a command the device did
// not acknowledge, or the first one it acknowledged after such, is a
// device status. prev is the lane's previous command, if any; let, the
// car the command let out, whose stay, exit and unpaid amount the
// abnormal lift carries as its exit and order reports do.
func (s *Service) reportCommand(ctx context.Context, tx park.Tx, c *park.GateCommand, prev *park.GateCommand, let *letOut) error {
	key := park.LotKey(c.LotCode)
	lot := func() (*park.Lot, error) {
		l, err := tx.GetLotSettings(ctx, c.LotCode)
		if err != nil {
			return nil, err
		}
		return core.ReportLot(l), nil
	}
	if c.Result == park.GateDelivered && (c.Command == park.GateOpen || c.Command == park.GateHoldOpen) && c.By != RestoreBy {
		err := s.base.Report(ctx, tx, park.ReportAbnormalLift, c.LotCode, key, c.At, func() (*park.ReportData, error) {
			l, err := lot()
			if err != nil {
				return nil, err
			}
			d := &park.ReportData{Lot: l, Command: c, By: c.By, Reason: c.Reason}
			if let != nil {
				if d.Stay, err = tx.GetStay(ctx, let.stayID); err != nil {
					return nil, err
				}
				d.Event, d.Unpaid = let.event, new(let.unpaid)
			}
			return d, nil
		})
		if err != nil {
			return err
		}
	}
	down := c.Result != park.GateDelivered
	back := !down && prev != nil && prev.Result != park.GateDelivered
	if !down && !back {
		return nil
	}
	return s.base.Report(ctx, tx, park.ReportDeviceStatus, c.LotCode, key, c.At, func() (*park.ReportData, error) {
		l, err := lot()
		if err != nil {
			return nil, err
		}
		return &park.ReportData{Lot: l, Command: c, Device: &park.DeviceStatus{Lane: c.Lane, Device: "barrier",
			Online: !down, Since: c.At, Detail: c.Detail}}, nil
	})
}

// reportLot tells of a lot's settings (on a change, and daily), with
// its occupancy counted as an entry's report counts it (occupancyAfter):
// near full, after the entries in flight, so that a lot_info written
// while another node's entry commits does not leave a platform with a
// figure that misses that car. The transaction changes no count (l's
// Occupied, when read, is the count itself, not a change).
func (s *Service) reportLot(ctx context.Context, tx park.Tx, l *park.Lot, at time.Time) error {
	return s.base.Report(ctx, tx, park.ReportLotInfo, l.Code, park.LotKey(l.Code), at, func() (*park.ReportData, error) {
		occ, err := occupancyAfter(ctx, tx, &park.Lot{Code: l.Code, Capacity: l.Capacity})
		if err != nil {
			return nil, err
		}
		return &park.ReportData{Lot: core.ReportLot(l), Occupancy: &occ}, nil
	})
}

// ReportLots writes a lot_info report of every lot now (the daily one),
// and returns how many lots it reported. Each lot is read again in its
// report's transaction, one at a time with its changes (lotInfoKey): a
// change made since the list was read, on any node, has been reported,
// and its old settings must not be the lot_info a partner hears last.
func (s *Service) ReportLots(ctx context.Context) (int, error) {
	lots, err := s.ListLots(ctx)
	if err != nil {
		return 0, err
	}
	now := s.base.Clock()
	for _, l := range lots {
		err := s.base.Update(ctx, func(tx park.Tx) error {
			if err := tx.Serialize(ctx, lotInfoKey(l.Code)); err != nil {
				return err
			}
			cur, err := tx.GetLot(ctx, l.Code)
			if err != nil {
				return err
			}
			return s.reportLot(ctx, tx, cur, now)
		})
		if err != nil {
			return 0, err
		}
	}
	return len(lots), nil
}

// lotInfoKey serialises a lot's changes with its daily lot_info report,
// so their reports are numbered in the order they commit.
func lotInfoKey(code string) string { return "lot-info:" + code }
