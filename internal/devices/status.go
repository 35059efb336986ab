package devices

import (
	"context"
	"fmt"
	"time"

	"parkd/internal/core"
	"parkd/internal/park"
)

// OfflineAfter is how long a device may be silent (no heartbeat, no
// read) and still count as online.
const OfflineAfter = 60 * time.Second

// SweepEvery is how often Watch writes when devices were last heard from
// and checks who went silent or came back.
const SweepEvery = 5 * time.Second

// Watch sweeps every SweepEvery until ctx ends.
func (s *Service) Watch(ctx context.Context) error {
	t := time.NewTicker(SweepEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			if err := s.Sweep(ctx); err != nil && ctx.Err() == nil {
				s.base.Log.Warn("device sweep", "err", err)
			}
		}
	}
}

// Sweep writes when devices were last heard from by this node, then
// marks online a device heard from within OfflineAfter and offline one
// silent longer, and clears the unanswered alarm of a barrier that
// acknowledged here after another node raised it. Each change is a
// device_status report, written in the same transaction (on a shared
// database one node reports it), and sets the parkd_device_online metric.
func (s *Service) Sweep(ctx context.Context) error {
	if err := s.flushSeen(ctx); err != nil {
		return err
	}
	if err := s.forgetListChanges(ctx); err != nil {
		s.base.Log.Warn("forgetting list changes no camera takes", "err", err) // the sweep goes on
	}
	if err := s.dropCommands(ctx); err != nil {
		s.base.Log.Warn("dropping old device commands", "err", err) // the sweep goes on
	}
	s.mu.Lock()
	acks := s.acked
	s.acked = nil
	s.mu.Unlock()
	now := s.base.Clock()
	ds, err := s.Devices(ctx, "")
	if err != nil {
		s.mu.Lock()
		for serial, a := range acks { // for the next sweep, unless newer
			if _, ok := s.acked[serial]; !ok {
				if s.acked == nil {
					s.acked = map[string]acked{}
				}
				s.acked[serial] = a
			}
		}
		s.mu.Unlock()
		return err
	}
	for _, d := range ds {
		// An alarm raised elsewhere that this node's registry did not show
		// when the barrier answered here.
		if a, ok := acks[d.Serial]; ok && d.Unanswered != nil && a.at.After(*d.Unanswered) {
			s.answered(ctx, d, a.command, a.at)
		}
		online := d.SeenAt != nil && now.Sub(*d.SeenAt) < OfflineAfter
		if online == d.Online {
			s.metrics.DeviceOnline(d, online)
			continue
		}
		since := now
		if d.SeenAt != nil {
			since = *d.SeenAt
			if !online {
				since = d.SeenAt.Add(OfflineAfter)
			}
		}
		var changed bool
		err := s.base.Update(ctx, func(tx park.Tx) error {
			var err error
			if changed, err = tx.SetDeviceOnline(ctx, d.Serial, online, since); err != nil || !changed {
				return err
			}
			detail := fmt.Sprintf("no heartbeat or read for %s", OfflineAfter)
			if online {
				detail = "heard from again"
			}
			return s.reportStatus(ctx, tx, d.LotCode, since, &park.DeviceStatus{Lane: d.Lane, Device: d.Kind, Serial: d.Serial,
				Online: online, Since: since, Detail: detail})
		})
		if park.IsCode(err, park.ENotFound) {
			continue // removed meanwhile
		}
		if err != nil {
			return err
		}
		s.metrics.DeviceOnline(d, online)
		if changed {
			level := s.base.Log.Info
			if !online {
				level = s.base.Log.Warn
			}
			level("device status", "serial", d.Serial, "lot", d.LotCode, "lane", d.Lane, "online", online, "since", since)
		}
	}
	return nil
}

// flushSeen writes the times reads were last received, kept in memory so
// that a read costs no write of its own.
func (s *Service) flushSeen(ctx context.Context) error {
	s.mu.Lock()
	seen := s.seen
	s.seen = nil
	s.mu.Unlock()
	if len(seen) == 0 {
		return nil
	}
	return s.base.Update(ctx, func(tx park.Tx) error {
		for serial, at := range seen {
			if err := tx.MarkDeviceSeen(ctx, serial, at); err != nil && !park.IsCode(err, park.ENotFound) {
				return err
			}
		}
		return nil
	})
}

// Unacknowledged raises the alarm for a barrier command a device did not
// acknowledge after a read (an open the car at the lane is waiting for):
// the device is marked unanswered and a device_status report, offline as
// far as that barrier goes, goes through the outbox in the same
// transaction; then the metric and the log. Operators' and partners'
// commands are the gate's, which reports them itself.
func (s *Service) Unacknowledged(ctx context.Context, d *park.Device, command string, cause error) {
	now := s.base.Clock()
	s.base.Log.Error("barrier did not acknowledge", "serial", d.Serial, "lot", d.LotCode, "lane", d.Lane, "command", command, "err", cause)
	s.metrics.DeviceUnacknowledged(d)
	defer s.registry.Delete(d.Serial) // the next acknowledgement sees the alarm
	err := s.base.Update(ctx, func(tx park.Tx) error {
		if _, err := tx.SetDeviceUnanswered(ctx, d.Serial, &now); err != nil {
			return err
		}
		return s.reportStatus(ctx, tx, d.LotCode, now, &park.DeviceStatus{Lane: d.Lane, Device: park.DeviceBarrier, Serial: d.Serial,
			Online: false, Since: now, Command: command, Detail: fmt.Sprintf("did not acknowledge %s after a read: %v", command, cause)})
	})
	if err != nil {
		s.base.Log.Error("reporting an unacknowledged barrier", "serial", d.Serial, "err", err)
	}
}

// Acknowledged is told that a device's barrier acknowledged a command
// after a read. When the device had raised the unanswered alarm, the
// alarm is cleared and a device_status report says it answers again, in
// the same transaction (of several nodes, one reports it). A device with
// no alarm costs nothing: d is what the read found in the registry. That
// may be up to registryTTL older than an alarm another node raised, so
// the acknowledgement is kept for this node's next sweep, which reads
// every device afresh and clears an alarm raised before it.
func (s *Service) Acknowledged(ctx context.Context, d *park.Device, command string) {
	now := s.base.Clock()
	if d.Unanswered == nil {
		s.mu.Lock()
		if s.acked == nil {
			s.acked = map[string]acked{}
		}
		s.acked[d.Serial] = acked{now, command}
		s.mu.Unlock()
		return
	}
	s.answered(ctx, d, command, now)
}

// acked is a device's last acknowledgement that met no alarm.
type acked struct {
	at      time.Time
	command string
}

// answered clears d's unanswered alarm (d.Unanswered is set) as of at.
func (s *Service) answered(ctx context.Context, d *park.Device, command string, at time.Time) {
	defer s.registry.Delete(d.Serial)
	var changed bool
	err := s.base.Update(ctx, func(tx park.Tx) error {
		var err error
		if changed, err = tx.SetDeviceUnanswered(ctx, d.Serial, nil); err != nil || !changed {
			return err
		}
		return s.reportStatus(ctx, tx, d.LotCode, at, &park.DeviceStatus{Lane: d.Lane, Device: park.DeviceBarrier, Serial: d.Serial,
			Online: true, Since: at, Command: command, Detail: fmt.Sprintf("acknowledged %s again (unanswered since %s)", command,
				d.Unanswered.Format(time.RFC3339))})
	})
	switch {
	case err != nil && !park.IsCode(err, park.ENotFound):
		s.base.Log.Error("reporting a barrier answering again", "serial", d.Serial, "err", err)
	case changed:
		s.base.Log.Info("barrier answers again", "serial", d.Serial, "lot", d.LotCode, "lane", d.Lane)
	}
}

// reportStatus writes a device_status report with the device's lot, as
// the gate's carry it: its name, and its time zone for formats that write
// local time.
func (s *Service) reportStatus(ctx context.Context, tx park.Tx, lot string, at time.Time, dv *park.DeviceStatus) error {
	return s.base.Report(ctx, tx, park.ReportDeviceStatus, lot, park.LotKey(lot), at, func() (*park.ReportData, error) {
		l, err := tx.GetLotSettings(ctx, lot)
		if err != nil {
			return nil, err
		}
		return &park.ReportData{Lot: core.ReportLot(l), Device: dv}, nil
	})
}
