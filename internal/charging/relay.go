package charging

import (
	"context"
	"errors"
	"strings"
	"time"

	"parkd/internal/core"
	"parkd/internal/park"
)

// A charger holds one WebSocket to one node, but a request to reach it
// (a partner's stop, an operator's reset) may arrive at any node. The node
// that does not hold the connection queues the command in the database
// (Forward); the node that does claims it, sends it, and writes the answer
// back (ClaimRelayed, FinishRelayed); the asking node returns that answer
// as if it had sent the command itself.

// Relay timings.
const (
	// RelayClaimWait is how long a queued command may wait for a node to
	// claim it: none did, so no node holds the charger.
	RelayClaimWait = 3 * time.Second
	relayPoll      = 50 * time.Millisecond
	// relayKeep is how long answered commands are kept for a person to
	// look at.
	relayKeep = 24 * time.Hour
)

// Results that are not a charger's answer; a charger's answers are OCPP
// statuses, which never start with "!".
const (
	relayOffline = "!offline"
	relayTimeout = "!timeout"
	relayError   = "!error: "
)

// Forward queues a command for a charger connected to another node and
// waits for the answer: the charger's status, or ErrOffline when the
// charger is offline or no node claimed the command within
// RelayClaimWait, or ErrTimeout when the answer did not come within wait
// after the claim. payload is the protocol's, opaque here.
func (s *Service) Forward(ctx context.Context, chargerID, action string, payload []byte, wait time.Duration) (string, error) {
	c, err := s.Charger(ctx, chargerID)
	if err != nil {
		return "", err
	}
	if !c.Online || c.Retired != nil {
		return "", ErrOffline
	}
	now := s.base.Clock()
	cmd := &park.ChargerCommand{ID: core.NewID(), ChargerID: chargerID, Action: action, Payload: payload,
		Status: park.CommandQueued, CreatedAt: now, UpdatedAt: now}
	if err := s.base.Write(ctx, func(tx park.Tx) error { return tx.InsertChargerCommand(ctx, cmd) }); err != nil {
		return "", err
	}
	// Wall-clock waits: the injected clock is for what is recorded.
	claimBy, answerBy := time.Now().Add(RelayClaimWait), time.Now().Add(RelayClaimWait+wait)
	t := time.NewTicker(relayPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return "", ErrTimeout
		case <-t.C:
		}
		var got *park.ChargerCommand
		if err := s.base.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetChargerCommand(ctx, cmd.ID); return }); err != nil {
			return "", err
		}
		switch {
		case got.Status == park.CommandDone:
			return fromRelay(got.Result)
		case got.Status == park.CommandQueued && time.Now().After(claimBy):
			// Nobody holds the charger: withdraw the command, unless a
			// node claimed it just now.
			var withdrawn bool
			err := s.base.Write(ctx, func(tx park.Tx) (err error) {
				withdrawn, err = tx.SetChargerCommand(ctx, cmd.ID, park.CommandQueued, park.CommandDone, relayOffline, s.base.Clock())
				return
			})
			if err != nil {
				return "", err
			}
			if withdrawn {
				return "", ErrOffline
			}
		case time.Now().After(answerBy):
			return "", ErrTimeout
		}
	}
}

// ClaimRelayed claims the queued commands for chargers this node holds
// (local says which); each is claimed by one node only.
func (s *Service) ClaimRelayed(ctx context.Context, local func(chargerID string) bool) ([]*park.ChargerCommand, error) {
	var queued []*park.ChargerCommand
	if err := s.base.View(ctx, func(tx park.Tx) (err error) { queued, err = tx.QueuedChargerCommands(ctx, 100); return }); err != nil {
		return nil, err
	}
	var mine []*park.ChargerCommand
	for _, c := range queued {
		if !local(c.ChargerID) {
			continue
		}
		var ok bool
		err := s.base.Write(ctx, func(tx park.Tx) (err error) {
			ok, err = tx.SetChargerCommand(ctx, c.ID, park.CommandQueued, park.CommandSent, "", s.base.Clock())
			return
		})
		if err != nil {
			return mine, err
		}
		if ok {
			mine = append(mine, c)
		}
	}
	return mine, nil
}

// FinishRelayed writes the answer to a claimed command: the charger's
// status, or the error that stood for one (ErrOffline, ErrTimeout, ...).
func (s *Service) FinishRelayed(ctx context.Context, id, status string, cerr error) error {
	result := status
	switch {
	case errors.Is(cerr, ErrOffline):
		result = relayOffline
	case errors.Is(cerr, ErrTimeout):
		result = relayTimeout
	case cerr != nil:
		result = relayError + park.CleanText(cerr.Error())
	}
	return s.base.Write(ctx, func(tx park.Tx) error {
		_, err := tx.SetChargerCommand(ctx, id, park.CommandSent, park.CommandDone, result, s.base.Clock())
		return err
	})
}

func fromRelay(result string) (string, error) {
	switch {
	case result == relayOffline:
		return "", ErrOffline
	case result == relayTimeout:
		return "", ErrTimeout
	case strings.HasPrefix(result, relayError):
		return "", errors.New(strings.TrimPrefix(result, relayError))
	}
	return result, nil
}

// dropRelayed removes relayed commands answered more than relayKeep ago.
func (s *Service) dropRelayed(ctx context.Context) error {
	return s.base.Write(ctx, func(tx park.Tx) error {
		_, err := tx.DeleteChargerCommands(ctx, s.base.Clock().Add(-relayKeep))
		return err
	})
}
