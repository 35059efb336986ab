package charging

import (
	"context"
	"fmt"
	"time"

	"parkd/internal/core"
	"parkd/internal/park"
)

// A meter reading is plausible when the register rose, since the last
// plausible reading (the start's register at first), by no more than
// PlausibleW could deliver in the time between plus PlausibleGrace (a
// charger's timestamps are whole seconds and its samples may lag). An
// implausible reading (a meter glitch, a corrupted register) is kept with
// the session and recorded as an anomaly for the operator, but never
// billed: the bill stays at the last plausible reading, and later
// readings are measured from it. parkd does not know a connector's
// rated power, so the bound is one above every charger it serves (the
// fastest DC car piles deliver about 480 kW).
const (
	PlausibleW     = 500_000 // W
	PlausibleGrace = time.Minute
)

// plausibleReadings is the readings of sess that are billed (all but the
// implausible ones, in order) and the implausible ones. The one place the
// rule is applied: every bill (priced) and every anomaly record come from
// it.
func plausibleReadings(sess *park.ChargeSession) (billed, glitches []park.MeterReading) {
	start := time.Time{}
	if sess.StartedAt != nil {
		start = *sess.StartedAt
	}
	refAt, refWh := start, sess.MeterStart
	for i, r := range sess.Readings {
		at := r.At
		if at.Before(start) {
			at = start
		}
		if rise := r.EnergyWh - refWh; rise > 0 {
			if rise > plausibleRise(at.Sub(refAt)) {
				if glitches == nil {
					billed = append(make([]park.MeterReading, 0, len(sess.Readings)), sess.Readings[:i]...)
				}
				glitches = append(glitches, r)
				continue
			}
			refAt, refWh = at, r.EnergyWh
		}
		if glitches != nil {
			billed = append(billed, r)
		}
	}
	if glitches == nil {
		return sess.Readings, nil // the common case: nothing copied
	}
	return billed, glitches
}

// plausibleRise is the most energy, Wh, PlausibleW delivers in d plus
// PlausibleGrace, rounded down.
func plausibleRise(d time.Duration) int64 {
	sec := int64(max(d, 0)/time.Second) + int64(PlausibleGrace/time.Second)
	sec = min(sec, 1<<40) // far beyond any register; keeps the product in int64
	return PlausibleW * sec / 3600
}

// recordGlitches records as anomalies the readings of added that sess
// does not bill (plausibleReadings), in tx; the caller logs them once
// committed (logGlitches).
func (s *Service) recordGlitches(ctx context.Context, tx park.Tx, sess *park.ChargeSession, added []park.MeterReading) ([]*park.Anomaly, error) {
	var noted []*park.Anomaly
	_, glitches := plausibleReadings(sess)
	for _, g := range glitches {
		if !containsReading(added, g) {
			continue // recorded when it was added
		}
		detail := fmt.Sprintf("charger %s connector %d session %s: register %d Wh at %s rose faster than %d kW from the last plausible reading; kept, not billed",
			sess.ChargerID, sess.Connector, sess.ID, g.EnergyWh, g.At.UTC().Format(time.RFC3339), PlausibleW/1000)
		a := &park.Anomaly{ID: core.NewID(), LotCode: sess.LotCode, Kind: park.AnomalyMeterGlitch, Plate: sess.PlateKey, At: g.At, Detail: detail}
		if err := tx.InsertAnomaly(ctx, a); err != nil {
			return nil, err
		}
		noted = append(noted, a)
	}
	return noted, nil
}

func (s *Service) logGlitches(noted []*park.Anomaly) {
	for _, a := range noted {
		s.base.Log.Warn("anomaly", "lot", a.LotCode, "kind", a.Kind, "detail", a.Detail)
	}
}

func containsReading(rs []park.MeterReading, r park.MeterReading) bool {
	for _, x := range rs {
		if x.At.Equal(r.At) && x.EnergyWh == r.EnergyWh {
			return true
		}
	}
	return false
}
