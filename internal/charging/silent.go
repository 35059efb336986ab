package charging

import (
	"context"
	"time"

	"parkd/internal/park"
)

// A charger's connection ends without a word when its node dies (kill -9,
// a power cut): no node records the disconnect, and the charger would stay
// online, with commands for it waiting on a node that is gone. The sweep
// records such a charger offline once it has been silent too long.

// HeartbeatInterval is the interval BootNotification gives chargers.
const HeartbeatInterval = 300 * time.Second

// SilentAfter is how long a charger recorded online may go unseen before
// any node's sweep records it offline: its heartbeat interval, and a
// minute for the holding node's batched write of heartbeats (every sweep,
// 10 s), a slow network and a charger's timer running late. Any message
// of a charger counts as seen (Seen): OCPP 1.6 has it send Heartbeat only
// after an interval without other messages.
const SilentAfter = HeartbeatInterval + time.Minute

// silent reports whether c, recorded online, has gone unseen for longer
// than SilentAfter at now.
func silent(c *park.Charger, now time.Time) bool {
	return c.Online && c.Retired == nil && (c.LastHeartbeat == nil || now.Sub(*c.LastHeartbeat) > SilentAfter)
}

// wentOffline records on c that it is offline, whoever noticed: the end
// of its connection, or its silence.
func wentOffline(c *park.Charger) { c.Online = false }

// dropSilent records offline every silent charger, unless this node holds
// the connection its row names: a connection that is open here is the
// charger's own word, and its node (this one) records its end.
func (s *Service) dropSilent(ctx context.Context) error {
	now := s.base.Clock()
	after := ""
	for {
		var page []*park.Charger
		err := s.base.View(ctx, func(tx park.Tx) (err error) {
			page, err = tx.ListSilentChargers(ctx, now.Add(-SilentAfter), after, sweepPage)
			return
		})
		if err != nil {
			return err
		}
		for _, c := range page {
			if s.holds(c) {
				continue
			}
			if err := s.dropIfSilent(ctx, c.ID, now); err != nil {
				s.base.Log.Warn("charging sweep: recording a silent charger offline", "charger", c.ID, "err", err)
			}
		}
		if len(page) < sweepPage {
			return nil
		}
		after = page[len(page)-1].ID
	}
}

// dropIfSilent records a charger offline if it is still silent at now: it
// may have been seen, or reconnected here, since it was listed.
func (s *Service) dropIfSilent(ctx context.Context, id string, now time.Time) error {
	return s.base.Update(ctx, func(tx park.Tx) error {
		c, err := tx.GetCharger(ctx, id)
		if err != nil || !silent(c, now) || s.holds(c) {
			return err
		}
		wentOffline(c)
		c.UpdatedAt = s.base.Clock()
		return tx.UpdateCharger(ctx, c)
	})
}
